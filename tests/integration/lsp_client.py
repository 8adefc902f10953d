"""A small LSP client for integration tests (Python 3 stdlib only).

Starts the switchboard binary ($SWITCHBOARD_BIN) over pipes, frames messages with
Content-Length, and runs a reader thread that matches responses to requests, records
notifications and answers server->client requests.

    from lsp_client import LspClient
    with LspClient() as c:
        result, error = c.initialize()
        c.open("file:///tmp/a.py", "print(1)\n", "python")
        res, err = c.request("workspace/executeCommand", {"command": "switchboard.stats"})
        assert c.shutdown_and_exit() == 0

Server->client requests get default answers (workspace/applyEdit -> {"applied": true},
window/workDoneProgress/create -> null, workspace/configuration -> [null per item],
window/showMessageRequest -> null, client/registerCapability -> null, anything else ->
null) and are all recorded in `server_requests`. Override with on_request(method,
handler): handler(params) returns the result, raises LspError for an error answer, or
returns NO_REPLY to leave the request unanswered.
"""
import itertools
import json
import os
import subprocess
import threading
import time

NO_REPLY = object()


class LspError(Exception):
    """Raise from an on_request handler to answer the server with an error."""

    def __init__(self, code, message, data=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data


class LspTimeout(AssertionError):
    pass


def binary_path():
    path = os.environ.get("SWITCHBOARD_BIN")
    if path:
        return path
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "switchboard"))


def frame(obj):
    """Serialises a JSON-RPC message with its Content-Length header."""
    body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _default_configuration(params):
    items = (params or {}).get("items") or []
    return [None for _ in items]


DEFAULT_HANDLERS = {
    "workspace/applyEdit": lambda params: {"applied": True},
    "window/workDoneProgress/create": lambda params: None,
    "workspace/configuration": _default_configuration,
    "window/showMessageRequest": lambda params: None,
    "window/showDocument": lambda params: {"success": True},
    "client/registerCapability": lambda params: None,
    "client/unregisterCapability": lambda params: None,
    "workspace/workspaceFolders": lambda params: None,
}


class LspClient:
    """One server process. args: extra command-line arguments; env: extra
    environment variables (merged over os.environ unless clean_env=True);
    stderr_path: also copy the server's stderr to this file."""

    def __init__(self, args=(), env=None, binary=None, stderr_path=None, cwd=None,
                 clean_env=False, start=True):
        self.binary = binary or binary_path()
        self.args = list(args)
        self.env = dict(env or {})
        self.clean_env = clean_env
        self.cwd = cwd
        self.stderr_path = stderr_path
        self.proc = None
        self.stderr_lines = []          # decoded lines, as they arrive
        self.messages = []              # every message received, in order
        self.notifications = []         # (method, params)
        self.server_requests = []       # (method, params, id)
        self.responses = {}             # id -> full response message
        self.duplicate_responses = []   # responses for an id already answered
        self.unparsed = []              # frames whose body was not JSON
        self.initialize_result = None
        self._handlers = dict(DEFAULT_HANDLERS)
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._eof = False
        self._threads = []
        self._stderr_file = None
        if start:
            self.start()

    # -- process -----------------------------------------------------------------
    def start(self):
        env = {} if self.clean_env else dict(os.environ)
        env.update({k: str(v) for k, v in self.env.items()})
        if self.stderr_path:
            self._stderr_file = open(self.stderr_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([self.binary] + self.args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, cwd=self.cwd)
        for target in (self._read_stdout, self._read_stderr):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        """Kills the process if it still runs and joins the reader threads."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(timeout=2)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        if self._stderr_file:
            self._stderr_file.close()
            self._stderr_file = None

    def wait_exit(self, timeout=10, check_sanitizer=True):
        """Returns the exit code; raises LspTimeout if the process keeps running.
        Fails when a sanitizer (SANITIZE=1 builds) reported an error or a leak."""
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LspTimeout("server did not exit within %ss; stderr:\n%s"
                             % (timeout, self.stderr_text()))
        for t in self._threads:
            t.join(timeout=2)
        if check_sanitizer:
            report = self.sanitizer_report()
            if report:
                raise AssertionError("sanitizer report:\n" + report)
        return code

    SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                         "event loop still had handles")

    def sanitizer_report(self):
        """The stderr text when it contains a sanitizer or leak report, else ''."""
        text = self.stderr_text()
        return text if any(m in text for m in self.SANITIZER_MARKERS) else ""

    def close_stdin(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass

    def stderr_text(self):
        with self._cond:
            return "\n".join(self.stderr_lines)

    @property
    def pid(self):
        return self.proc.pid

    # -- sending -----------------------------------------------------------------
    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        with self._write_lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, obj):
        self.send_raw(frame(obj))

    def notify(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)

    def request_async(self, method, params=None, id=None):
        """Sends a request and returns its id without waiting."""
        rid = next(self._ids) if id is None else id
        msg = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            msg["params"] = params
        self.send(msg)
        return rid

    def wait_response(self, rid, timeout=10):
        """Returns the full response message for id rid."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while rid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or (self._eof and rid not in self.responses):
                    raise LspTimeout("no response to id %r within %ss (eof=%s); stderr:\n%s"
                                     % (rid, timeout, self._eof, "\n".join(self.stderr_lines)))
                self._cond.wait(min(left, 0.1))
            return self.responses[rid]

    def request(self, method, params=None, timeout=10):
        """Sends a request, waits for its response: (result, error)."""
        rid = self.request_async(method, params)
        msg = self.wait_response(rid, timeout)
        return msg.get("result"), msg.get("error")

    def cancel(self, rid):
        self.notify("$/cancelRequest", {"id": rid})

    # -- server -> client requests ---------------------------------------------------
    def on_request(self, method, handler):
        """handler(params) -> result | raises LspError | returns NO_REPLY."""
        self._handlers[method] = handler

    def _answer(self, msg):
        method, rid, params = msg.get("method"), msg.get("id"), msg.get("params")
        handler = self._handlers.get(method, lambda p: None)
        try:
            result = handler(params)
        except LspError as e:
            err = {"code": e.code, "message": e.message}
            if e.data is not None:
                err["data"] = e.data
            self.send({"jsonrpc": "2.0", "id": rid, "error": err})
            return
        if result is NO_REPLY:
            return
        self.send({"jsonrpc": "2.0", "id": rid, "result": result})

    # -- waiting -----------------------------------------------------------------
    def wait_for(self, predicate, timeout=10, what="condition"):
        """Waits until predicate() (called under the lock) is truthy; returns it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LspTimeout("timed out waiting for %s; stderr:\n%s"
                                     % (what, "\n".join(self.stderr_lines)))
                self._cond.wait(min(left, 0.1))

    def wait_notification(self, method, predicate=None, timeout=10, after=0):
        """Returns the params of the first notification `method` (index >= after)
        whose params satisfy predicate."""
        def find():
            for m, p in self.notifications[after:]:
                if m == method and (predicate is None or predicate(p)):
                    return (p,)
            return None
        return self.wait_for(find, timeout, "notification " + method)[0]

    def wait_server_request(self, method, predicate=None, timeout=10):
        def find():
            for m, p, i in self.server_requests:
                if m == method and (predicate is None or predicate(p)):
                    return (p, i)
            return None
        return self.wait_for(find, timeout, "server request " + method)

    def notifications_of(self, method):
        with self._cond:
            return [p for m, p in self.notifications if m == method]

    def wait_stderr(self, substring, timeout=10):
        return self.wait_for(lambda: any(substring in l for l in self.stderr_lines),
                             timeout, "stderr line containing %r" % substring)

    # -- LSP helpers -----------------------------------------------------------------
    def initialize(self, capabilities=None, initialization_options=None,
                   position_encodings=None, process_id=None, root_uri=None, trace=None,
                   send_initialized=True, timeout=10):
        caps = json.loads(json.dumps(capabilities or {}))
        if position_encodings is not None:
            caps.setdefault("general", {})["positionEncodings"] = list(position_encodings)
        params = {"processId": process_id if process_id is not None else os.getpid(),
                  "clientInfo": {"name": "switchboard-tests", "version": "1"},
                  "rootUri": root_uri, "capabilities": caps}
        if initialization_options is not None:
            params["initializationOptions"] = initialization_options
        if trace is not None:
            params["trace"] = trace
        result, error = self.request("initialize", params, timeout)
        self.initialize_result = result
        if error is None and send_initialized:
            self.notify("initialized", {})
        return result, error

    def open(self, uri, text, language="plaintext", version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": version, "text": text}})

    def change(self, uri, version, changes):
        """changes: list of {"range": ..., "text": ...} or {"text": ...} (full)."""
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def close_document(self, uri):
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def save(self, uri, text=None):
        params = {"textDocument": {"uri": uri}}
        if text is not None:
            params["text"] = text
        self.notify("textDocument/didSave", params)

    def execute_command(self, command, arguments=None, timeout=10):
        params = {"command": command}
        if arguments is not None:
            params["arguments"] = arguments
        return self.request("workspace/executeCommand", params, timeout)

    def shutdown_and_exit(self, timeout=10):
        """shutdown, then exit; returns the exit code."""
        result, error = self.request("shutdown", None, timeout)
        if error is not None:
            raise AssertionError("shutdown failed: %r" % (error,))
        self.notify("exit")
        code = self.wait_exit(timeout)
        self.close()
        return code

    # -- reader threads ----------------------------------------------------------------
    def _read_exact(self, stream, n):
        chunks = []
        while n > 0:
            chunk = stream.read(n)
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def _read_frame(self, stream):
        length = None
        while True:
            line = stream.readline()
            if not line:
                return None
            line = line.rstrip(b"\r\n")
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise ValueError("frame without Content-Length")
        return self._read_exact(stream, length)

    def _read_stdout(self):
        stream = self.proc.stdout
        try:
            while True:
                body = self._read_frame(stream)
                if body is None:
                    break
                try:
                    msg = json.loads(body.decode("utf-8"))
                except ValueError:
                    with self._cond:
                        self.unparsed.append(body)
                        self._cond.notify_all()
                    continue
                self._dispatch(msg)
        except (OSError, ValueError) as e:
            with self._cond:
                self.stderr_lines.append("[lsp_client] reader error: %r" % (e,))
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def _dispatch(self, msg):
        is_request = "method" in msg and "id" in msg
        with self._cond:
            self.messages.append(msg)
            if "method" not in msg:
                rid = msg.get("id")
                if rid in self.responses:
                    self.duplicate_responses.append(msg)
                else:
                    self.responses[rid] = msg
            elif is_request:
                self.server_requests.append((msg["method"], msg.get("params"), msg["id"]))
            else:
                self.notifications.append((msg["method"], msg.get("params")))
            self._cond.notify_all()
        if is_request:
            try:
                self._answer(msg)
            except (OSError, ValueError):
                pass

    def _read_stderr(self):
        for raw in iter(self.proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if self._stderr_file:
                self._stderr_file.write(line + "\n")
                self._stderr_file.flush()
            with self._cond:
                self.stderr_lines.append(line)
                self._cond.notify_all()
