"""A small fake OTLP/HTTP collector (and Prometheus remote-write sink) for the
telemetry tests: listens on 127.0.0.1 on a random port, records every request (path,
headers, body bytes) and answers from a queue of scripted behaviours (status,
Retry-After, delay, connection reset), else 200."""
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Collector:
    def __init__(self):
        self.records = []            # dicts: path, headers, body, time
        self.behaviours = []         # one-shot: {"status", "retry_after", "delay", "reset", "path"}
        self.default = {}
        self.cond = threading.Condition()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with collector.cond:
                    # The first queued behaviour for this path (or for any path).
                    i = next((k for k, q in enumerate(collector.behaviours)
                              if q.get("path") in (None, self.path)), None)
                    b = collector.behaviours.pop(i) if i is not None else dict(collector.default)
                    collector.records.append({"path": self.path, "headers": dict(self.headers.items()),
                                              "body": body, "time": time.monotonic(),
                                              "answered": b.get("status", 200)})
                    collector.cond.notify_all()
                if b.get("delay"):
                    time.sleep(b["delay"])
                if b.get("reset"):
                    # RST instead of an answer: SO_LINGER 0, then close.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                status = b.get("status", 200)
                self.send_response(status)
                if b.get("retry_after") is not None:
                    self.send_header("Retry-After", str(b["retry_after"]))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                try:
                    self.wfile.write(b"{}")
                except OSError:
                    pass   # the client left (its deadline passed): expected in fault tests

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass   # clients that leave mid-answer are part of the fault tests

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def enqueue(self, *behaviours):
        with self.cond:
            self.behaviours.extend(behaviours)

    def of(self, path, accepted_only=True):
        with self.cond:
            return [r for r in self.records if r["path"] == path and
                    (not accepted_only or r["answered"] == 200)]

    def wait_for(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.1))
            return True


if __name__ == "__main__":
    # As its own process (bench/telemetry_bench.py: a collector thread inside the
    # timing process would compete with it for the GIL): prints its URL, then serves
    # until stdin closes, then prints how many requests it got per path.
    import json
    import sys
    c = Collector().start()
    print(c.url, flush=True)
    sys.stdin.read()
    counts = {}
    for r in c.records:
        counts[r["path"]] = counts.get(r["path"], 0) + 1
    print(json.dumps(counts), flush=True)
    c.stop()
