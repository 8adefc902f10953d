"""switchboard stats on a fixed ledger (tests/data/stats-ledger.jsonl and its rotated
.1): golden text and JSON, figures recomputed independently from the raw lines, the
HTML report parsed as XML with one SVG chart per chart section, and bad arguments."""
import json
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
LEDGER = os.path.join(DATA, "stats-ledger.jsonl")
CONFIG = os.path.join(DATA, "stats-config.json")
FIXED = ["--ledger", LEDGER, "--config", CONFIG, "--now", "2026-11-27T12:00:00Z"]
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


def run(*args, check=True):
    env = dict(os.environ)
    env.pop("SWITCHBOARD_CONFIG", None)
    p = subprocess.run([BIN, "stats", *args], capture_output=True, text=True, timeout=30, env=env)
    if check and p.returncode != 0:
        raise AssertionError("exit %d: %s" % (p.returncode, p.stderr))
    return p


def golden(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def raw_records():
    """The ledger's attempt lines (rotated file first), acceptance folded in."""
    records, accepted = [], set()
    for path in (LEDGER + ".1", LEDGER):
        for line in open(path):
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if "accept" in o:
                accepted.add(o["accept"])
            elif "model" in o and "outcome" in o:
                records.append(o)
    for r in records:
        r["accepted"] = r["accepted"] or r["attempt_id"] in accepted
    return records


class StatsGolden(unittest.TestCase):
    def test_text_by_model(self):
        self.assertEqual(run(*FIXED).stdout, golden("stats-by-model.txt"))

    def test_text_by_provider(self):
        self.assertEqual(run(*FIXED, "--by", "provider").stdout, golden("stats-by-provider.txt"))

    def test_text_by_day_since(self):
        self.assertEqual(run(*FIXED, "--by", "day", "--since", "2d").stdout, golden("stats-by-day-since2d.txt"))

    def test_json_by_model(self):
        self.assertEqual(json.loads(run(*FIXED, "--json").stdout), json.loads(golden("stats-by-model.json")))

    def test_json_by_task(self):
        self.assertEqual(json.loads(run(*FIXED, "--by", "task", "--json").stdout),
                         json.loads(golden("stats-by-task.json")))


class StatsFigures(unittest.TestCase):
    """Recomputes the headline figures from the raw lines, without the C code."""

    @classmethod
    def setUpClass(cls):
        cls.out = json.loads(run(*FIXED, "--json").stdout)
        cls.records = raw_records()

    def test_tokens_and_cost_totals(self):
        total = self.out["total"]
        self.assertEqual(total["attempts"], len(self.records))
        self.assertEqual(total["tokens"]["in"], sum(r["tokens_in"] for r in self.records))
        self.assertEqual(total["tokens"]["out"], sum(r["tokens_out"] for r in self.records))
        self.assertAlmostEqual(total["cost_usd"], sum(r["cost_usd"] for r in self.records), places=9)
        self.assertEqual(total["estimated"], sum(1 for r in self.records if r["estimated"]))

    def test_acceptance_rate(self):
        inline_ok = [r for r in self.records if r["task"] == "inline" and r["outcome"] == "ok"]
        accepted = [r for r in inline_ok if r["accepted"]]
        self.assertEqual(self.out["total"]["inline_ok"], len(inline_ok))
        self.assertEqual(self.out["total"]["accepted"], len(accepted))
        self.assertAlmostEqual(self.out["total"]["acceptance_rate"], len(accepted) / len(inline_ok), places=4)

    def test_baselines_from_config_prices(self):
        prices = json.load(open(CONFIG))["models"]
        actual = sum(r["cost_usd"] for r in self.records)
        for base in self.out["baselines"]:
            if base["prices"] != "config":
                continue
            p = prices[base["model"]]["price"]
            expect = sum((r["tokens_in"] * p["input"] + r["tokens_out"] * p["output"]) / 1e6 for r in self.records)
            self.assertAlmostEqual(base["cost_usd"], expect, places=9)
            self.assertAlmostEqual(base["savings_usd"], expect - actual, places=9)
            if expect > 0:
                self.assertAlmostEqual(base["savings_pct"], round((expect - actual) / expect * 100, 2), places=6)
        self.assertEqual(self.out["baselines"][0]["model"], "reasoning")
        self.assertTrue(self.out["baselines"][0]["most_expensive"])

    def test_unpriced_model_priced_from_ledger(self):
        # "mini" is not in the config; its ledger costs came from 0.25 / 2.00 per million.
        mini = [b for b in self.out["baselines"] if b["model"] == "mini"][0]
        self.assertEqual(mini["prices"], "ledger")
        expect = sum((r["tokens_in"] * 0.25 + r["tokens_out"] * 2.0) / 1e6 for r in self.records)
        self.assertAlmostEqual(mini["cost_usd"], expect, places=9)

    def test_runs_fallbacks_retries(self):
        total = self.out["total"]
        # Request id "1" appears in two server sessions: two runs. 11 runs in all.
        self.assertEqual(total["requests"], 11)
        self.assertEqual(total["fallbacks"], 2)   # run 3 (fast -> offline), run 8 (reasoning -> fast)
        self.assertEqual(total["retries"], 1)     # run 4 (reasoning overloaded, then reasoning)
        self.assertEqual(total["cancelled"], 1)

    def test_since_filters(self):
        out = json.loads(run(*FIXED, "--since", "12h", "--json").stdout)
        recent = [r for r in self.records if r["time"] >= "2026-11-27T00:00:00.000Z"]
        self.assertEqual(out["total"]["attempts"], len(recent))
        self.assertEqual(out["since"], "2026-11-27T00:00:00.000Z")


def raw_signal_rows():
    """Per (task, model), recomputed from the raw lines with the documented rules."""
    attempts, signals, offers = {}, [], []
    for path in (LEDGER + ".1", LEDGER):
        for line in open(path):
            try:
                o = json.loads(line)
            except ValueError:
                continue
            if "signal" in o:
                (offers if o["signal"] == "offered" else signals).append(o)
            elif "accept" in o:
                signals.append({"signal": "accept", "attempt_id": o["accept"]})
            elif "model" in o and "outcome" in o:
                attempts[o["attempt_id"]] = dict(o, shown=False, full=False, partial=0, retained=(0, 0),
                                                 rejected=False, applied=False, reverted=False, retry=False, fixed=0,
                                                 dismissed=0)
    for s in signals:
        a = attempts.get(s["attempt_id"])
        if a is None:
            continue
        kind = s["signal"]
        if kind == "accept": a["full"] = True
        elif kind == "shown": a["shown"] = True
        elif kind == "rejected": a["rejected"] = True
        elif kind == "partial": a["partial"] = max(a["partial"], s["chars"])
        elif kind == "retained": a["retained"] = (s["chars"], s["of"])
        elif kind == "applied": a["applied"] = True
        elif kind == "reverted": a["reverted"] = True
        elif kind == "retry_stronger": a["retry"] = True
        elif kind == "finding_fixed": a["fixed"] += 1
        elif kind == "finding_dismissed": a["dismissed"] += 1
    rows = {}

    def empty():
        return dict(cost=0.0, shown=0, accepted=0, partial=0, rejected=0, retained=0, of=0,
                    applied=0, reverted=0, retry=0, fixed=0, dismissed=0, offered=0)
    for a in attempts.values():
        row = rows.setdefault((a["task"], a["model"]), empty())
        row["cost"] += a["cost_usd"]
        row["shown"] += a["shown"]
        row["accepted"] += a["full"]
        row["partial"] += (not a["full"]) and a["partial"] > 0
        row["rejected"] += a["rejected"] and not a["full"] and a["partial"] == 0
        row["retained"] += a["retained"][0]
        row["of"] += a["retained"][1]
        row["applied"] += a["applied"]
        row["reverted"] += a["reverted"]
        row["retry"] += a["retry"]
        row["fixed"] += a["fixed"]
        row["dismissed"] += a["dismissed"]
    for o in offers:
        rows.setdefault((o["task"], o["model"]), empty())["offered"] += o["count"]   # offers alone make a row
    return rows


class StatsSignals(unittest.TestCase):
    """What became of the answers, per task and model, against the raw lines."""

    def test_rows_match_raw_lines(self):
        out = json.loads(run(*FIXED, "--json").stdout)
        rows = raw_signal_rows()
        self.assertEqual({(r["task"], r["model"]) for r in out["signals"]}, set(rows))
        for r in out["signals"]:
            want = rows[(r["task"], r["model"])]
            self.assertEqual(r["shown"], want["shown"], r)
            self.assertEqual(r["accepted"], want["accepted"], r)
            self.assertEqual(r["partial"], want["partial"], r)
            self.assertEqual(r["rejected"], want["rejected"], r)
            self.assertEqual(r["retained_chars"], want["retained"], r)
            self.assertEqual(r["retained_of"], want["of"], r)
            self.assertEqual(r["offered"], want["offered"], r)
            self.assertEqual(r["applied"], want["applied"], r)
            self.assertEqual(r["reverted"], want["reverted"], r)
            self.assertEqual(r["retry_stronger"], want["retry"], r)
            self.assertEqual(r["findings_fixed"], want["fixed"], r)
            self.assertEqual(r["findings_dismissed"], want["dismissed"], r)
            self.assertAlmostEqual(r["cost_usd"], want["cost"], places=9)
            accepted = want["accepted"] + want["partial"]
            if accepted:
                self.assertAlmostEqual(r["cost_per_accepted_usd"], want["cost"] / accepted, places=9)
            else:
                self.assertIsNone(r["cost_per_accepted_usd"])
            if want["retained"]:
                self.assertAlmostEqual(r["cost_per_retained_char_usd"], want["cost"] / want["retained"], places=9)
            else:
                self.assertIsNone(r["cost_per_retained_char_usd"])

    def test_inline_fast_figures(self):
        # s-1, s-2, s-12, s-14 shown; s-1, s-12 accepted; s-14 partly (5 then 9 chars: the max counts); s-2 rejected;
        # s-12 was rejected once, then accepted: accepted, not rejected;
        # retained 30 of 40 (s-1) and 12 of 16 (s-12); an unknown signal and an unknown
        # attempt id are ignored.
        out = json.loads(run(*FIXED, "--json").stdout)
        row = [r for r in out["signals"] if (r["task"], r["model"]) == ("inline", "fast")][0]
        self.assertEqual((row["shown"], row["accepted"], row["partial"], row["partial_chars"], row["rejected"]),
                         (4, 2, 1, 9, 1))
        self.assertEqual((row["retained_chars"], row["retained_of"]), (42, 56))

    def test_text_has_the_columns(self):
        text = run(*FIXED).stdout
        self.assertIn("USD/ACCEPTED", text)
        self.assertIn("USD/RET.CHAR", text)
        self.assertIn(" RETRY ", text)

    def test_retry_stronger_is_counted(self):
        # s-11 (fix, answered by fast) was applied, then retried on a stronger model.
        out = json.loads(run(*FIXED, "--json").stdout)
        row = [r for r in out["signals"] if (r["task"], r["model"]) == ("fix", "fast")][0]
        self.assertEqual((row["applied"], row["retry_stronger"]), (1, 1))
        self.assertEqual(sum(r["retry_stronger"] for r in out["signals"]), 1)


class StatsHtml(unittest.TestCase):
    def test_well_formed_with_one_chart_per_section(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "report.html")
            p = run(*FIXED, "--html", path)
            self.assertIn(path, p.stdout)
            text = open(path).read()
        root = ET.fromstring(text.split("\n", 1)[1])   # drop the doctype line
        self.assertEqual(root.tag, XHTML + "html")
        sections = list(root.iter(XHTML + "section"))
        charts = [s for s in sections if s.get("class") == "chart"]
        self.assertEqual([s.get("id") for s in charts], ["cost-per-day", "latency", "share",
                                                         "cost-per-accepted", "cost-per-retained-char"])
        for s in charts:
            self.assertEqual(len(list(s.iter(SVG + "svg"))), 1, s.get("id"))
        # No external assets: nothing loads from elsewhere.
        for el in root.iter():
            for attr in ("src", "href"):
                self.assertIsNone(el.get(attr), el.tag)
        self.assertNotIn("<script", text)
        # Cost per day: one stacked segment per (day, model) with cost; 3 days here.
        bars = list(charts[0].iter(SVG + "rect"))
        titles = [r.find(SVG + "title").text for r in bars if r.find(SVG + "title") is not None]
        self.assertEqual(len({t.split()[0] for t in titles}), 3)
        # Share: answered runs per model, percentages add up to 100.
        shares = [float(t.text.split("%")[0]) for t in charts[2].iter(SVG + "text") if "%" in (t.text or "")]
        self.assertAlmostEqual(sum(shares), 100.0, delta=0.2)
        # Per day: fast has accepted suggestions on 11-25 (s-1; the day cost s-1 + s-2 + s-3)
        # and 11-27 (s-12, s-14 in
        # part) and retained characters on both days: one point per (day, model).
        for chart, per in ((charts[3], "accepted suggestion"), (charts[4], "retained character")):
            points = [c.find(SVG + "title").text for c in chart.iter(SVG + "circle")]
            self.assertEqual(len(points), 2, points)
            self.assertTrue(all(" fast " in p and per in p for p in points), points)
        first = [c.find(SVG + "title").text for c in charts[3].iter(SVG + "circle")][0]
        self.assertIn("2026-11-25 fast $0.000581000 per accepted suggestion (1)", first)

    def test_escapes_names(self):
        with tempfile.TemporaryDirectory() as tmp:
            ledger = os.path.join(tmp, "l.jsonl")
            with open(ledger, "w") as f:
                f.write(json.dumps({"time": "2026-11-27T10:00:00.000Z", "request_id": "1", "attempt_id": "a",
                                    "task": "inline", "model": "<b>&\"m'", "provider": "p", "attempt": 1,
                                    "outcome": "ok", "total_ms": 5, "first_token_ms": 1, "tokens_in": 10,
                                    "tokens_out": 1, "cost_usd": 0.001}) + "\n")
            path = os.path.join(tmp, "r.html")
            run("--ledger", ledger, "--html", path)
            root = ET.fromstring(open(path).read().split("\n", 1)[1])
            self.assertTrue(any(t.text == "<b>&\"m'" for t in root.iter(SVG + "text")))


class StatsUsage(unittest.TestCase):
    def test_bad_arguments_exit_2(self):
        for args in (["--by", "color"], ["--since", "yesterday"], ["--bogus"], ["--config"]):
            with self.subTest(args=" ".join(args)):
                p = run(*args, check=False)
                self.assertEqual(p.returncode, 2, args)
                self.assertIn("usage", p.stderr)

    def test_missing_ledger_is_empty_report(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = run("--ledger", os.path.join(tmp, "none.jsonl"))
            self.assertIn("no ledger records yet", p.stdout)
            out = json.loads(run("--ledger", os.path.join(tmp, "none.jsonl"), "--json").stdout)
            self.assertEqual(out["total"]["attempts"], 0)
            self.assertEqual(out["baselines"], [])

    def test_never_runs_api_key_cmd(self):
        with tempfile.TemporaryDirectory() as tmp:
            marker = os.path.join(tmp, "ran")
            cfg = os.path.join(tmp, "c.json")
            json.dump({"providers": {"x": {"kind": "openai", "base_url": "https://api.example.com",
                                           "api_key_cmd": ["sh", "-c", "touch %s; echo sk-test-0000" % marker]}},
                       "models": {"fast": {"provider": "x", "model": "m", "price": {"input": 0.28, "output": 0.42}}},
                       "routes": [{"when": {}, "targets": ["fast"]}]}, open(cfg, "w"))
            out = json.loads(run("--ledger", LEDGER, "--config", cfg, "--json").stdout)
            self.assertEqual([b["prices"] for b in out["baselines"] if b["model"] == "fast"], ["config"])
            self.assertFalse(os.path.exists(marker))

    def test_bad_config_names_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = os.path.join(tmp, "c.json")
            open(cfg, "w").write('{"providers": {"l": {"kind": "ollama", "base_url": "http://127.0.0.1:9"}},'
                                 ' "models": {"a": {"provider": "l", "model": "m", "price": 3}}}')
            p = run("--ledger", LEDGER, "--config", cfg, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn(cfg, p.stderr)
            self.assertIn("models.a.price", p.stderr)


if __name__ == "__main__":
    unittest.main()
