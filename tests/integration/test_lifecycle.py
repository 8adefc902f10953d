"""Life cycle of the real binary over pipes: initialize, capabilities, encodings,
shutdown/exit codes, stdin EOF, client process death, command line."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

from lsp_client import LspClient, binary_path, frame


class LifecycleTest(unittest.TestCase):
    def test_initialize_result_and_clean_exit(self):
        with LspClient() as c:
            result, error = c.initialize()
            self.assertIsNone(error)
            self.assertEqual(result["serverInfo"]["name"], "switchboard")
            self.assertTrue(result["serverInfo"]["version"])
            caps = result["capabilities"]
            self.assertEqual(caps["positionEncoding"], "utf-16")
            self.assertEqual(caps["textDocumentSync"]["change"], 2)
            self.assertTrue(caps["textDocumentSync"]["openClose"])
            self.assertEqual(c.shutdown_and_exit(), 0)
            self.assertEqual(c.unparsed, [])      # stdout carried only protocol
            self.assertEqual(c.duplicate_responses, [])

    def test_position_encoding_negotiation(self):
        cases = [(["utf-8", "utf-16"], "utf-8"), (["utf-32", "utf-8", "utf-16"], "utf-32"),
                 (["utf-16"], "utf-16"), (["latin-1"], "utf-16"), (None, "utf-16")]
        for offered, expected in cases:
            with LspClient() as c:
                result, error = c.initialize(position_encodings=offered)
                self.assertIsNone(error)
                self.assertEqual(result["capabilities"]["positionEncoding"], expected, offered)
                self.assertEqual(c.shutdown_and_exit(), 0)

    def test_requests_before_initialize_and_after_shutdown(self):
        with LspClient() as c:
            _, error = c.request("textDocument/hover", {})
            self.assertEqual(error["code"], -32002)
            _, error = c.request("shutdown")
            self.assertEqual(error["code"], -32002)
            c.initialize()
            _, error = c.request("initialize", {"processId": None, "capabilities": {}})
            self.assertEqual(error["code"], -32600)
            result, error = c.request("shutdown")
            self.assertIsNone(error)
            self.assertIsNone(result)
            _, error = c.request("textDocument/hover", {})
            self.assertEqual(error["code"], -32600)
            _, error = c.request("shutdown")
            self.assertEqual(error["code"], -32600)
            c.notify("exit")
            self.assertEqual(c.wait_exit(), 0)

    def test_exit_without_shutdown_is_1(self):
        with LspClient() as c:
            c.initialize()
            c.notify("exit")
            self.assertEqual(c.wait_exit(), 1)

    def test_exit_before_initialize_is_honoured(self):
        with LspClient() as c:
            c.notify("exit")
            self.assertEqual(c.wait_exit(), 1)

    def test_stdin_eof(self):
        with LspClient() as c:
            c.initialize()
            c.close_stdin()
            self.assertEqual(c.wait_exit(), 1)
        with LspClient() as c:
            c.initialize()
            c.request("shutdown")
            c.close_stdin()
            self.assertEqual(c.wait_exit(), 0)

    def test_client_process_death_via_initialize(self):
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        try:
            with LspClient() as c:
                c.initialize(process_id=sleeper.pid)
                time.sleep(0.3)
                self.assertIsNone(c.proc.poll())   # still serving while the client lives
                sleeper.kill()
                sleeper.wait()
                self.assertEqual(c.wait_exit(timeout=5), 1)
                c.wait_stderr("is gone")
        finally:
            if sleeper.poll() is None:
                sleeper.kill()
                sleeper.wait()

    def test_client_process_death_via_flag(self):
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with LspClient(args=["--stdio", "--clientProcessId", str(sleeper.pid)]) as c:
            result, _ = c.request("initialize", {"processId": None, "capabilities": {}})
            self.assertIn("capabilities", result)
            sleeper.kill()
            sleeper.wait()
            self.assertEqual(c.wait_exit(timeout=5), 1)

    def test_sigterm_exits(self):
        with LspClient() as c:
            c.initialize()
            c.proc.terminate()
            self.assertEqual(c.wait_exit(), 1)

    def test_log_file_and_level(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "sb.log")
            with LspClient(args=["--log-file", log, "--log-level", "debug"]) as c:
                c.initialize()
                self.assertEqual(c.shutdown_and_exit(), 0)
                self.assertEqual(c.stderr_text(), "")
            with open(log) as f:
                text = f.read()
            self.assertIn("initialize", text)
            self.assertIn("debug", text)

    def test_files_as_stdin_and_stdout(self):
        """stdin and stdout redirected to regular files (uv_fs paths)."""
        with tempfile.TemporaryDirectory() as d:
            inp, out = os.path.join(d, "in"), os.path.join(d, "out")
            with open(inp, "wb") as f:
                f.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": None, "capabilities": {}}}))
                for i in range(200):
                    f.write(frame({"jsonrpc": "2.0", "id": 100 + i, "method": "nope"}))
                f.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
                f.write(frame({"jsonrpc": "2.0", "method": "exit"}))
            with open(inp, "rb") as fi, open(out, "wb") as fo:
                code = subprocess.run([binary_path()], stdin=fi, stdout=fo,
                                      stderr=subprocess.DEVNULL, timeout=10).returncode
            self.assertEqual(code, 0)
            data = open(out, "rb").read()
            # 202 responses (notifications such as a "no provider" message may come too).
            self.assertEqual(data.count(b'"jsonrpc":"2.0","id":'), 202)
            self.assertIn(b'"id":2,"result":null', data)
            self.assertIn(b'"id":299,"error":{"code":-32601', data)


class CommandLineTest(unittest.TestCase):
    def run_bin(self, *args):
        return subprocess.run([binary_path()] + list(args), capture_output=True, timeout=10,
                              stdin=subprocess.DEVNULL)

    def test_version_and_help(self):
        r = self.run_bin("--version")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith(b"switchboard "))
        r = self.run_bin("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn(b"--clientProcessId", r.stdout)

    def test_bad_usage_exits_2(self):
        for args in (["--bogus"], ["--log-level", "loud"], ["--clientProcessId", "abc"],
                     ["--max-message-bytes", "12"], ["no-such-command"], ["--config"]):
            r = self.run_bin(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn(b"usage:", r.stderr)
            self.assertEqual(r.stdout, b"")

    def test_closed_or_odd_stdio_does_not_crash(self):
        for redirect in ("<&-", ">&- </dev/null", "2>&- </dev/null"):
            with self.subTest(redirect=redirect):
                r = subprocess.run(["sh", "-c", '"$0" ' + redirect, binary_path()],
                                   capture_output=True, timeout=10)
                self.assertEqual(r.returncode, 1, redirect)   # EOF without shutdown

    def test_datagram_socket_as_stdin_is_refused(self):
        import socket
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            r = subprocess.run([binary_path()], stdin=s.fileno(), capture_output=True, timeout=10)
            self.assertEqual(r.returncode, 1)
            self.assertIn(b"unsupported type", r.stderr)


if __name__ == "__main__":
    unittest.main()
