"""Prometheus remote write against a real Prometheus (Debian 12's 2.42, started with
its remote-write receiver on a random loopback port and a temporary storage dir):
completions through the fake model server, then PromQL over Prometheus's HTTP API
for the token and cost totals, which must equal the ledger's."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

from test_telemetry import TelemetryBase
import telemetry_util as tu


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Prometheus:
    def __init__(self):
        # Never a silent skip: `make test` installs it (scripts/ensure-deps.sh test).
        if not shutil.which("prometheus"):
            raise AssertionError("prometheus is not installed: sh scripts/ensure-deps.sh test")
        self.dir = tempfile.mkdtemp(prefix="sb-prom-")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1h\n")
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port, "--enable-feature=remote-write-receiver"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/-/ready", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("prometheus did not become ready")

    def query(self, promql):
        q = urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen("%s/api/v1/query?%s" % (self.url, q), timeout=5) as r:
            body = json.load(r)
        assert body["status"] == "success", body
        return body["data"]["result"]

    def scalar(self, promql, timeout=10):
        """The single value of an instant query, waiting for it to appear."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.query(promql)
            if result or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert len(result) == 1, (promql, result)
        return float(result[0]["value"][1])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class RemoteWriteToPrometheus(TelemetryBase):
    def test_totals_in_prometheus_equal_the_ledger(self):
        prom = Prometheus()
        self.addCleanup(prom.stop)
        telemetry = {"prometheus_remote_write": {"url": prom.url + "/api/v1/write", "interval_ms": 200,
                                                 "headers": {"X-Scope-OrgID": "team-blue"}}}
        self.start(telemetry=telemetry)
        for i in range(3):
            if i == 1:   # one fallback: the fast model fails, the backup answers
                self.fs.enqueue(match={"model": "model-fast"}, error="server_error")
            self.assertTrue(self.complete()[0])
        self.stop()
        ledger = tu.ledger_lines(self.tmp.name)
        self.assertEqual(len(ledger), 4)
        tokens_in = prom.scalar('sum(gen_ai_client_token_usage_sum{gen_ai_token_type="input"})')
        tokens_out = prom.scalar('sum(gen_ai_client_token_usage_sum{gen_ai_token_type="output"})')
        self.assertEqual(tokens_in, sum(l["tokens_in"] for l in ledger))
        self.assertEqual(tokens_out, sum(l["tokens_out"] for l in ledger))
        self.assertAlmostEqual(prom.scalar("sum(switchboard_cost_usd_total)"),
                               sum(l["cost_usd"] for l in ledger), places=9)
        per_model = prom.query("sum by (switchboard_model) (switchboard_cost_usd_total)")
        self.assertEqual({r["metric"]["switchboard_model"] for r in per_model}, {"fast", "backup"})
        self.assertEqual(prom.scalar('sum(switchboard_requests_total{switchboard_outcome="fallback"})'), 1)
        self.assertEqual(prom.scalar('sum(gen_ai_client_operation_duration_seconds_count)'), 4)
        self.assertEqual(prom.scalar('count(gen_ai_client_operation_duration_seconds_bucket{le="+Inf"})'),
                         prom.scalar('count(gen_ai_client_operation_duration_seconds_count)'))
        self.assertEqual(prom.query('switchboard_requests_total{job!="switchboard"}'), [])


if __name__ == "__main__":
    unittest.main()
