"""Telemetry export against a collector that misbehaves: down, 503 then 200 (with
Retry-After), slow (5 s), resetting connections. Completions keep their latency, the
server never crashes, drops are counted in switchboard/status, and shutdown's flush
stays within its short deadline."""
import os
import socket
import statistics
import subprocess
import time
import unittest

from lsp_client import binary_path
from test_telemetry import TelemetryBase

FAST = {"span_delay_ms": 20, "metric_interval_ms": 100, "flush_deadline_ms": 500}


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class CollectorFaults(TelemetryBase):
    def run_completions(self, n=6):
        times = []
        for _ in range(n):
            items, took = self.complete()
            self.assertTrue(items)
            times.append(took)
            time.sleep(0.05)   # let the exporter get a few batches wrong meanwhile
        return times

    def assert_latency_kept(self, times, baseline):
        # Export runs beside the completions on the same loop; it may not hold them up.
        self.assertLess(statistics.median(times), baseline + 0.05, (times, baseline))
        self.assertLess(max(times), 1.0, times)

    def baseline(self):
        """Median completion time with export off, on this machine, now."""
        self.start(two_models=False)
        times = self.run_completions(4)
        self.stop()
        self.client = None
        return statistics.median(times)

    def start_exporting(self, url):
        return self.start(telemetry=dict(FAST, otlp={"endpoint": url}), two_models=False)

    def test_collector_down(self):
        base = self.baseline()
        self.start_exporting("http://127.0.0.1:%d" % closed_port())
        times = self.run_completions()
        status = self.client.wait_notification("switchboard/status", lambda p: "telemetry" in p, timeout=5)
        self.assertEqual(status["telemetry"]["batches_sent"], 0)
        took = self.stop()
        self.assert_latency_kept(times, base)
        self.assertLess(took, 3.0)
        # `check` (another process) shows what the session dropped.
        out = subprocess.run([binary_path(), "check", "--config", os.path.join(self.tmp.name, "config.json")],
                             capture_output=True, text=True, timeout=20,
                             env=dict(os.environ, XDG_STATE_HOME=self.tmp.name, XDG_CONFIG_HOME=self.tmp.name))
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"last session \(ended [0-9T:Z-]+\): 0 batches sent, [1-9][0-9]* dropped")

    def test_503_then_200_is_retried_after_retry_after(self):
        self.col.enqueue({"status": 503, "retry_after": 1, "path": "/v1/traces"})
        self.start_exporting(self.col.url)
        self.assertTrue(self.complete()[0])
        self.assertTrue(self.col.wait_for(lambda: any(r["answered"] == 200 and r["path"] == "/v1/traces"
                                                      for r in self.col.records), timeout=10))
        self.stop()
        traces = [r for r in self.col.records if r["path"] == "/v1/traces"]
        first = traces[0]
        self.assertEqual(first["answered"], 503)
        retry = next(r for r in traces[1:] if r["body"] == first["body"])
        self.assertEqual(retry["answered"], 200)
        self.assertGreaterEqual(retry["time"] - first["time"], 0.9)

    def test_slow_collector(self):
        base = self.baseline()
        self.col.default = {"delay": 5}
        self.start_exporting(self.col.url)
        times = self.run_completions()
        took = self.stop()
        self.assert_latency_kept(times, base)
        self.assertLess(took, 3.0)   # the flush deadline (0.5 s), not the collector's 5 s

    def test_collector_resets_connections(self):
        base = self.baseline()
        self.col.default = {"reset": True}
        self.start_exporting(self.col.url)
        times = self.run_completions()
        self.assertTrue(self.col.wait_for(lambda: len(self.col.records) >= 2, timeout=5))
        self.stop()
        self.assert_latency_kept(times, base)


if __name__ == "__main__":
    unittest.main()
