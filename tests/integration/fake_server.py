"""Start, script and inspect the fake model server from Python tests.

    from fake_server import FakeServer
    with FakeServer() as fs:                     # starts on a random free port
        fs.rule(model="fast", text="return a + b", token_delay_ms=5)
        fs.enqueue(error="rate_limit", retry_after=2, match={"model": "fast"})
        ... point switchboard at fs.url ...
        reqs = fs.requests()                     # what the server received
        fs.wait_for(lambda: fs.stats()["client_disconnects"] == 1)

Control API reference: docs/fake-server.md. Stdlib only."""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, "..", "fake_server", "fake_model_server.py")


class FakeServer:
    def __init__(self, config=None, max_records=20000):
        self.config = config        # dict, written to a temp file for --config
        self.max_records = max_records
        self.proc = None
        self.port = None
        self._tmp = None

    # ---------------------------------------------------------------- lifecycle

    def start(self, timeout=10.0):
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-server-")
        port_file = os.path.join(self._tmp.name, "port")
        cmd = [sys.executable, SERVER, "--port", "0", "--port-file", port_file,
               "--max-records", str(self.max_records)]
        if self.config is not None:
            cfg = os.path.join(self._tmp.name, "config.json")
            with open(cfg, "w") as f:
                json.dump(self.config, f)
            cmd += ["--config", cfg]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        line = self.proc.stdout.readline()      # the first line is the port
        if not line.strip().isdigit():
            self.stop()
            raise RuntimeError("fake server did not start (no port line)")
        self.port = int(line)
        deadline = time.time() + timeout
        while True:
            try:
                self.control("GET", "health")
                return self
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise
                time.sleep(0.02)

    def stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        """Base URL without a path, e.g. http://127.0.0.1:PORT"""
        return f"http://127.0.0.1:{self.port}"

    # ---------------------------------------------------------------- control API

    def control(self, method, name, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.url}/_control/{name}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def reset(self):
        return self.control("POST", "reset", {})

    def default(self, **behaviour):
        """Behaviour used for every request (rules and one-shots override keys)."""
        return self.control("POST", "default", behaviour)

    def rule(self, match=None, **behaviour):
        """A standing rule; match e.g. {"model": "fast"} or {"path": "/v1/messages"}."""
        return self.control("POST", "rules", dict(behaviour, match=match or {}))

    def enqueue(self, match=None, **behaviour):
        """A one-shot behaviour for the next matching request."""
        return self.control("POST", "enqueue", dict(behaviour, match=match or {}))

    def enqueue_many(self, behaviours):
        return self.control("POST", "enqueue", {"queue": behaviours})

    def requests(self, since=0):
        return self.control("GET", f"requests?since={since}")["requests"]

    def stats(self):
        return self.control("GET", "stats")

    def wait_for(self, predicate, timeout=10.0, interval=0.02):
        """Polls predicate() until true; raises AssertionError on timeout (hang guard)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        raise AssertionError("fake server: condition not met in time")
