"""OpenTelemetry export end to end: the real binary, the fake model server, a fake
OTLP collector on loopback, and every captured payload decoded by an independent
implementation (the OpenTelemetry JS packages), checked span by span and point by
point against the ledger. Also: configuration from OTEL_* variables, http/json,
editor settings that may not switch export on, and nothing secret in any payload."""
import json
import os
import tempfile
import time
import unittest

from fake_server import FakeServer
from lsp_client import LspClient
from otel_collector import Collector
import telemetry_util as tu

ROOT = "/tmp/sb-telemetry-ws"
DOC = "file://%s/secret_module.py" % ROOT


class TelemetryBase(unittest.TestCase):
    def setUp(self):
        tu.ensure_node_packages()
        self.tmp = tempfile.TemporaryDirectory(prefix="sb-otel-")
        self.addCleanup(self.tmp.cleanup)
        self.fs = FakeServer().start()
        self.addCleanup(self.fs.stop)
        self.fs.default(text="value + 1", token_size=4, input_tokens=37)
        self.col = Collector().start()
        self.addCleanup(self.col.stop)

    def start(self, telemetry=None, env=None, init_options=None, two_models=True, log_level=None):
        config = tu.write_config(self.tmp.name, self.fs.url, telemetry, two_models=two_models)
        full_env = {tu.KEY_ENV: tu.KEY, "XDG_STATE_HOME": self.tmp.name, "XDG_CONFIG_HOME": self.tmp.name}
        full_env.update(env or {})
        args = ["--stdio", "--config", config] + (["--log-level", log_level] if log_level else [])
        self.client = LspClient(args=args, env=full_env)
        self.addCleanup(self.client.close)
        _, error = self.client.initialize(capabilities={"textDocument": {"inlineCompletion": {}}},
                                          initialization_options=init_options,
                                          root_uri="file://" + ROOT, timeout=5)
        self.assertIsNone(error)
        self.docs = 0
        return self.client

    def complete(self):
        """One inline completion; returns (items, seconds)."""
        # A new document each time, so the inline cache never answers.
        self.docs += 1
        doc = DOC.replace(".py", "_%d.py" % self.docs)
        text = tu.SOURCE + "n%d + " % self.docs
        self.client.open(doc, text, "python")
        t0 = time.monotonic()
        rid = tu.inline_request(self.client, doc, 1, len(text.split("\n")[1]))
        msg = self.client.wait_response(rid, 10)
        items = (msg.get("result") or {}).get("items") or []
        return items, time.monotonic() - t0

    def stop(self):
        t0 = time.monotonic()
        self.assertEqual(self.client.shutdown_and_exit(), 0)
        self.assertEqual(self.client.sanitizer_report(), "")
        return time.monotonic() - t0

    def assert_nothing_secret(self):
        """No payload carries the source text, the key, or the file path."""
        snippets = [tu.KEY.encode(), b"secret_sauce_function_xyzzy", b"secret_module.py", ROOT.encode()]
        for r in self.col.records:
            for s in snippets:
                self.assertNotIn(s, r["body"], "%s leaked into %s" % (s, r["path"]))
            for v in r["headers"].values():
                self.assertNotIn(tu.KEY, v)


def spans_of(decoded):
    return [s for d in decoded for s in d["spans"]]


def metric(decoded_last, name):
    for m in decoded_last["metrics"]:
        if m["name"] == name:
            return m
    raise AssertionError("metric %s not exported: %s" % (name, [m["name"] for m in decoded_last["metrics"]]))


class OtlpProtobuf(TelemetryBase):
    """Traces and metrics over http/protobuf, configured from the file."""

    def test_spans_and_metrics_match_the_ledger(self):
        self.start(telemetry={"otlp": {"endpoint": self.col.url}, "span_delay_ms": 50,
                              "metric_interval_ms": 200, "resource_attributes": {"team": "blue"},
                              "export_workspace_name": True})
        items, _ = self.complete()
        self.assertTrue(items)
        accept_id = items[0]["command"]["arguments"][0]
        self.client.execute_command("switchboard.accept", [accept_id])
        # The second request falls back: the fast model fails, the backup answers.
        self.fs.enqueue(match={"model": "model-fast"}, error="server_error")
        items, _ = self.complete()
        self.assertTrue(items)
        status = self.client.wait_notification("switchboard/status",
                                               lambda p: "telemetry" in p, timeout=5)
        self.assertIn("batches_dropped", status["telemetry"])
        self.stop()
        ledger = tu.ledger_lines(self.tmp.name)
        self.assertEqual(len(ledger), 3)

        traces = self.col.of("/v1/traces")
        self.assertTrue(traces)
        for r in traces:
            self.assertEqual(r["headers"].get("Content-Type"), "application/x-protobuf")
        decoded = tu.decode(traces, "traces", "proto")
        resource = decoded[0]["resource"]
        self.assertEqual(resource["service.name"], "switchboard")
        self.assertEqual(resource["team"], "blue")
        self.assertTrue(resource["service.version"])
        self.assertRegex(resource["service.instance.id"], r"^[0-9a-f-]{36}$")
        self.assertEqual(resource["switchboard.workspace.name"], "sb-telemetry-ws")   # opted in
        spans = spans_of(decoded)
        requests = [s for s in spans if s["name"] == "switchboard inline"]
        attempts = [s for s in spans if s["kind"] == 3]
        accepts = [s for s in spans if s["name"] == "switchboard accept"]
        self.assertEqual(len(requests), 2, [s["name"] for s in spans])
        self.assertEqual(len(attempts), 3)
        self.assertEqual(len(accepts), 1)
        for s in spans:
            self.assertEqual(len(s["traceId"]), 32)
            self.assertEqual(len(s["spanId"]), 16)
            self.assertLessEqual(int(s["start"]), int(s["end"]))
        by_trace = {}
        for s in attempts:
            by_trace.setdefault(s["traceId"], []).append(s)
        served, fallback = sorted(requests, key=lambda s: int(s["start"]))
        self.assertEqual(served["kind"], 2)
        self.assertEqual(served["parentSpanId"], "")
        self.assertEqual(served["attributes"]["switchboard.outcome"], "served")
        self.assertEqual(fallback["attributes"]["switchboard.outcome"], "fallback")
        self.assertEqual(fallback["attributes"]["switchboard.model"], "backup")
        self.assertEqual(fallback["attributes"]["switchboard.attempts"], 2)
        self.assertEqual(fallback["attributes"]["switchboard.route.rule"], "inline-rule")
        self.assertEqual(fallback["attributes"]["switchboard.strategy"], "fallback")
        # A fallback is two attempt spans under one request span.
        two = sorted(by_trace[fallback["traceId"]], key=lambda s: s["attributes"]["switchboard.attempt"])
        self.assertEqual(len(two), 2)
        for s in two:
            self.assertEqual(s["parentSpanId"], fallback["spanId"])
        failed, answered = two
        self.assertEqual(failed["name"], "text_completion model-fast")
        self.assertEqual(failed["status"]["code"], 2)
        self.assertEqual(failed["attributes"]["error.type"], "500")
        self.assertEqual(answered["name"], "text_completion model-backup")
        self.assertEqual(answered["status"]["code"], 0)
        self.assertNotIn("error.type", answered["attributes"])
        self.assertEqual(answered["attributes"]["switchboard.fallback_reason"], "server_error")
        one = by_trace[served["traceId"]]
        self.assertEqual(len(one), 1)
        self.assertEqual(one[0]["parentSpanId"], served["spanId"])
        self.assertEqual(accepts[0]["traceId"], served["traceId"])
        self.assertEqual(accepts[0]["parentSpanId"], served["spanId"])
        self.assertTrue(accepts[0]["attributes"]["switchboard.accepted"])
        # Attempt attributes against the ledger, attempt by attempt.
        ordered = [one[0], failed, answered]
        for span, line in zip(ordered, ledger):
            a = span["attributes"]
            self.assertEqual(a["gen_ai.operation.name"], "text_completion")
            self.assertEqual(a["gen_ai.provider.name"], "openai")
            self.assertEqual(a["gen_ai.request.model"], "model-" + line["model"])
            self.assertEqual(a["gen_ai.response.model"], "model-" + line["model"])
            self.assertEqual(a["gen_ai.usage.input_tokens"], line["tokens_in"])
            self.assertEqual(a["gen_ai.usage.output_tokens"], line["tokens_out"])
            self.assertAlmostEqual(a["switchboard.cost_usd"], line["cost_usd"], places=9)
            self.assertEqual(a["server.address"], "127.0.0.1")
            self.assertEqual(a["server.port"], int(self.fs.url.rsplit(":", 1)[1]))
            self.assertEqual(a["switchboard.task"], "inline")
            self.assertFalse(a["switchboard.cancelled"])

        metrics = self.col.of("/v1/metrics")
        self.assertTrue(metrics)
        last = tu.decode(metrics[-1:], "metrics", "proto")[0]
        usage = metric(last, "gen_ai.client.token.usage")
        self.assertEqual((usage["type"], usage["unit"], usage["temporality"]), ("histogram", "{token}", 2))
        for kind, field in (("input", "tokens_in"), ("output", "tokens_out")):
            pts = [p for p in usage["points"] if p["attributes"]["gen_ai.token.type"] == kind]
            self.assertEqual(sum(p["sum"] for p in pts), sum(l[field] for l in ledger))
            self.assertEqual(sum(p["count"] for p in pts), 3)
            for p in pts:
                self.assertEqual(sum(p["buckets"]), p["count"])
        duration = metric(last, "gen_ai.client.operation.duration")
        self.assertEqual(duration["unit"], "s")
        self.assertEqual(sum(p["count"] for p in duration["points"]), 3)
        self.assertTrue(any(p["attributes"].get("error.type") == "500" for p in duration["points"]))
        first = metric(last, "switchboard.first_token.duration")
        self.assertEqual(sum(p["count"] for p in first["points"]), 2)
        cost = metric(last, "switchboard.cost")
        self.assertTrue(cost["monotonic"])
        self.assertAlmostEqual(sum(p["value"] for p in cost["points"]), sum(l["cost_usd"] for l in ledger), places=9)
        reqs = metric(last, "switchboard.requests")
        outcomes = {p["attributes"]["switchboard.outcome"]: p["value"] for p in reqs["points"]}
        self.assertEqual(outcomes, {"served": 1, "fallback": 1})
        sugg = metric(last, "switchboard.suggestions")
        states = {}
        for p in sugg["points"]:
            key = (p["attributes"]["switchboard.suggestion.state"], p["attributes"]["switchboard.model"])
            states[key] = states.get(key, 0) + p["value"]
        self.assertEqual(states, {("shown", "fast"): 1, ("shown", "backup"): 1, ("accepted", "fast"): 1})
        self.assert_nothing_secret()


class OtlpJsonFromEnvironment(TelemetryBase):
    """http/json configured only by OTEL_* variables; headers sent, never logged."""

    def test_json_payloads_decode_strictly(self):
        secret = "hdr-secret-value-42"
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": self.col.url + "/",
               "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json",
               "OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=%s,x-team=blue" % secret,
               "OTEL_SERVICE_NAME": "sb-json", "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=ci",
               "OTEL_BSP_SCHEDULE_DELAY": "50", "OTEL_METRIC_EXPORT_INTERVAL": "200"}
        self.start(env=env, two_models=False, log_level="debug")
        self.assertTrue(self.complete()[0])
        self.assertTrue(self.complete()[0])
        self.stop()
        traces, metrics = self.col.of("/v1/traces"), self.col.of("/v1/metrics")
        self.assertTrue(traces and metrics)
        for r in traces + metrics:
            self.assertEqual(r["headers"].get("Content-Type"), "application/json")
            self.assertEqual(r["headers"].get("x-api-key"), secret)
            self.assertEqual(r["headers"].get("x-team"), "blue")
        self.assertNotIn(secret, "\n".join(self.client.stderr_lines))
        spans = spans_of(tu.decode(traces, "traces", "json"))
        self.assertEqual(len([s for s in spans if s["kind"] == 2]), 2)
        self.assertEqual(len([s for s in spans if s["kind"] == 3]), 2)
        for s in spans:
            if s["kind"] == 3:
                self.assertEqual(s["name"], "text_completion model-fast")
                self.assertIn(s["parentSpanId"], [p["spanId"] for p in spans if p["kind"] == 2])
        last = tu.decode(metrics[-1:], "metrics", "json")[0]
        self.assertEqual(last["resource"]["service.name"], "sb-json")
        self.assertEqual(last["resource"]["deployment.environment"], "ci")
        self.assertNotIn("switchboard.workspace.name", last["resource"])   # not opted in
        ledger = tu.ledger_lines(self.tmp.name)
        usage = metric(last, "gen_ai.client.token.usage")
        pts = [p for p in usage["points"] if p["attributes"]["gen_ai.token.type"] == "input"]
        self.assertEqual(sum(p["sum"] for p in pts), sum(l["tokens_in"] for l in ledger))
        self.assert_nothing_secret()

    def test_sdk_disabled_sends_nothing(self):
        env = {"OTEL_EXPORTER_OTLP_ENDPOINT": self.col.url, "OTEL_SDK_DISABLED": "true",
               "OTEL_BSP_SCHEDULE_DELAY": "20"}
        self.start(env=env, two_models=False)
        self.assertTrue(self.complete()[0])
        self.stop()
        self.assertEqual(self.col.records, [])


class OtlpCacheHit(TelemetryBase):
    def test_cache_hit_is_a_request_span_without_attempts(self):
        self.start(telemetry={"otlp": {"endpoint": self.col.url}, "span_delay_ms": 20}, two_models=False)
        self.assertTrue(self.complete()[0])
        doc = DOC.replace(".py", "_%d.py" % self.docs)
        text = tu.SOURCE + "n%d + " % self.docs
        msg = self.client.wait_response(tu.inline_request(self.client, doc, 1, len(text.split("\n")[1])))
        self.assertTrue((msg.get("result") or {}).get("items"))
        self.stop()
        spans = spans_of(tu.decode(self.col.of("/v1/traces"), "traces", "proto"))
        requests = sorted([s for s in spans if s["kind"] == 2], key=lambda s: int(s["start"]))
        self.assertEqual([s["attributes"]["switchboard.cache_hit"] for s in requests], [False, True])
        self.assertEqual(len([s for s in spans if s["kind"] == 3]), 1)
        self.assertFalse([s for s in spans if s["traceId"] == requests[1]["traceId"] and s["kind"] == 3])


class OtlpNotFromEditor(TelemetryBase):
    def test_editor_settings_cannot_switch_export_on(self):
        init = {"telemetry": {"otlp": {"endpoint": self.col.url}, "span_delay_ms": 20}}
        self.start(init_options=init, two_models=False)
        self.assertTrue(self.complete()[0])
        self.stop()
        self.assertEqual(self.col.records, [])
        self.assertTrue(any("telemetry ignored" in l for l in self.client.stderr_lines),
                        self.client.stderr_lines[-5:])


if __name__ == "__main__":
    unittest.main()
