"""switchboard simulate: every figure checked against arithmetic done here, from the
workload and the config's prices alone (first-match routes, fallback through
unavailable shares, split by weight), including the brief's example: a primary +
budget fallback set-up sending 30% of tasks to a model ten times cheaper saves 27%
against the primary alone, and 50% saves 45%."""
import json
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKLOADS = os.path.join(ROOT, "data", "workloads")
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))
PRESETS = ["primary-budget-fallback", "speed-depth", "provider-diversity", "selfhost-premium"]


def simulate(workload_path, *args, check=True):
    p = subprocess.run([BIN, "simulate", workload_path, *args], capture_output=True, text=True, timeout=30)
    if check and p.returncode != 0:
        raise AssertionError("exit %d: %s" % (p.returncode, p.stderr))
    return p


def as_list(v):
    return None if v is None else (v if isinstance(v, list) else [v])


def first_match(routes, task):
    for r in routes:
        w = r.get("when", {})
        kinds, triggers, langs = as_list(w.get("task")), as_list(w.get("trigger")), as_list(w.get("language"))
        trigger = task.get("trigger", "automatic" if task["kind"] in ("inline", "next_edit") else "invoked")
        if kinds and task["kind"] not in kinds:
            continue
        if triggers and trigger not in triggers:
            continue
        if langs and task.get("language") not in langs:
            continue
        return r
    return None


def expected(config, workload):
    """Independent replay: returns (cost per model, total cost, baseline per model)."""
    models = config["models"]
    down = workload.get("unavailable", {})

    def price(model, t):
        p = models[model]["price"]
        return (t.get("tokens_in", 0) * p["input"] + t.get("tokens_out", 0) * p["output"]) / 1e6

    per_model, served = {}, []
    for t in workload["tasks"]:
        rule = first_match(config["routes"], t)
        targets = rule["targets"]
        count = t.get("count", 1)
        if rule.get("strategy") == "split":
            weights = rule["weights"]
            starts = [(i, count * weights[i] / sum(weights)) for i in range(len(targets))]
        else:
            starts = [(0, count)]
        for start, mass in starts:
            # The router's split order: the pick first, then the others in rule order.
            order = [targets[start]] + targets[:start] + targets[start + 1:]
            for model in order:
                ok = mass * (1 - down.get(model, 0))
                per_model[model] = per_model.get(model, 0) + ok * price(model, t)
                served.append((t, ok))
                mass -= ok
    total = sum(per_model.values())
    baselines = {m: sum(n * price(m, t) for t, n in served) for m in models}
    return per_model, total, baselines


class SimulatePresets(unittest.TestCase):
    def test_presets_match_independent_arithmetic(self):
        for name in PRESETS:
            with self.subTest(preset=name):
                path = os.path.join(WORKLOADS, name + ".json")
                workload = json.load(open(path))
                config = json.load(open(os.path.join(WORKLOADS, workload["config"])))
                out = json.loads(simulate(path, "--json").stdout)
                per_model, total, baselines = expected(config, workload)
                self.assertAlmostEqual(out["total_cost_usd"], total, places=8)
                got = {m["model"]: m["cost_usd"] for m in out["models"]}
                for model, cost in per_model.items():
                    self.assertAlmostEqual(got.get(model, 0), cost, places=8, msg=model)
                self.assertEqual(out["tasks"], sum(t.get("count", 1) for t in workload["tasks"]))
                for b in out["baselines"]:
                    self.assertAlmostEqual(b["cost_usd"], baselines[b["model"]], places=8)
                    if baselines[b["model"]] > 0:
                        pct = (baselines[b["model"]] - total) / baselines[b["model"]] * 100
                        self.assertAlmostEqual(b["savings_pct"], pct, places=5)

    def test_next_edit_rows(self):
        # next-edit.json: next-edit suggestions have their own route (a local Zeta, a
        # cheap cloud fallback for the 5% of local attempts that fail); simulate counts
        # them as their own task kind, priced like every other row.
        path = os.path.join(WORKLOADS, "next-edit.json")
        workload = json.load(open(path))
        config = json.load(open(os.path.join(WORKLOADS, workload["config"])))
        ne = [t for t in workload["tasks"] if t["kind"] == "next_edit"]
        self.assertTrue(ne)
        out = json.loads(simulate(path, "--json").stdout)
        per_model, total, _ = expected(config, workload)
        self.assertAlmostEqual(out["total_cost_usd"], total, places=8)
        rows = {r["task"]: r for r in out["by_task"]}
        self.assertEqual(set(rows), {t["kind"] for t in workload["tasks"]})
        per_model, ne_total, _ = expected(config, dict(workload, tasks=ne))
        self.assertEqual(set(per_model), {"zeta", "quick"})   # its own route, not the catch-all
        count = sum(t["count"] for t in ne)
        self.assertAlmostEqual(rows["next_edit"]["tasks"], count, places=6)
        self.assertAlmostEqual(rows["next_edit"]["served"], count, places=6)
        self.assertAlmostEqual(rows["next_edit"]["cost_usd"], ne_total, places=8)
        self.assertGreater(rows["next_edit"]["cost_usd"], 0)   # the fallback's share
        self.assertAlmostEqual(sum(r["cost_usd"] for r in rows.values()), out["total_cost_usd"], places=8)
        text = simulate(path).stdout
        self.assertRegex(text, r"\nnext_edit +%.2f +%.2f +%.6f\n" % (count, count, rows["next_edit"]["cost_usd"]))

    def test_text_output_names_models_and_savings(self):
        out = simulate(os.path.join(WORKLOADS, "speed-depth.json")).stdout
        self.assertIn("fast", out)
        self.assertIn("deep", out)
        self.assertIn("single-model baselines", out)


class SimulateBudgetExample(unittest.TestCase):
    """Primary at 2.00/8.00, budget at 0.20/0.80 (ten times cheaper)."""

    def run_share(self, share, tasks):
        local = {"kind": "ollama", "base_url": "http://127.0.0.1:9"}
        config = {"providers": {"p": local, "b": local},
                  "models": {"primary": {"provider": "p", "model": "x", "price": {"input": 2.0, "output": 8.0}},
                             "budget": {"provider": "b", "model": "y", "price": {"input": 0.2, "output": 0.8}}},
                  "routes": [{"when": {}, "targets": ["primary", "budget"]}]}
        workload = {"unavailable": {"primary": share}, "tasks": tasks}
        with tempfile.TemporaryDirectory() as tmp:
            cpath, wpath = os.path.join(tmp, "c.json"), os.path.join(tmp, "w.json")
            json.dump(config, open(cpath, "w"))
            json.dump(workload, open(wpath, "w"))
            return json.loads(simulate(wpath, "--config", cpath, "--json").stdout)

    def savings_vs_primary(self, out):
        return [b for b in out["baselines"] if b["model"] == "primary"][0]["savings_pct"]

    def test_thirty_percent_saves_27(self):
        mix = [{"kind": "inline", "count": 700, "tokens_in": 1500, "tokens_out": 40},
               {"kind": "refactor", "count": 300, "tokens_in": 6000, "tokens_out": 1500}]
        out = self.run_share(0.3, mix)
        self.assertAlmostEqual(self.savings_vs_primary(out), 0.3 * 0.9 * 100, places=5)
        share = {m["model"]: m["share_pct"] for m in out["models"]}
        self.assertAlmostEqual(share["budget"], 30.0, places=5)

    def test_half_saves_45(self):
        out = self.run_share(0.5, [{"kind": "fix", "count": 10, "tokens_in": 1000, "tokens_out": 100}])
        self.assertAlmostEqual(self.savings_vs_primary(out), 45.0, places=5)

    def test_individual_task_list(self):
        # A bare list of tasks (count defaults to 1).
        with tempfile.TemporaryDirectory() as tmp:
            wpath = os.path.join(tmp, "w.json")
            json.dump([{"kind": "inline", "tokens_in": 100000, "tokens_out": 0},
                       {"kind": "docs", "tokens_in": 0, "tokens_out": 50000}], open(wpath, "w"))
            cfg = os.path.join(WORKLOADS, "speed-depth.config.json")
            out = json.loads(simulate(wpath, "--config", cfg, "--json").stdout)
            # inline -> fast (0.28 per M in); docs -> "rest" rule -> fast (0.42 per M out)
            self.assertAlmostEqual(out["total_cost_usd"], 0.1 * 0.28 + 0.05 * 0.42, places=9)
            self.assertEqual(out["tasks"], 2)


class SimulateBudgets(unittest.TestCase):
    """Budgets: the day's tasks are spread evenly; once a cap is spent the router skips
    the capped model. 1000 fix tasks a day at 1000 in / 100 out cost the primary
    (2.00/8.00) 2.80 USD a day; a 1.40 USD daily cap leaves it half the day."""

    def run_budget(self, budgets, days=1):
        local = {"kind": "ollama", "base_url": "http://127.0.0.1:9"}
        config = {"providers": {"p": local, "b": local},
                  "models": {"primary": {"provider": "p", "model": "x", "price": {"input": 2.0, "output": 8.0}},
                             "budget": {"provider": "b", "model": "y", "price": {"input": 0.2, "output": 0.8}}},
                  "routes": [{"when": {}, "targets": ["primary", "budget"]}],
                  "budgets": budgets}
        workload = {"days": days, "tasks": [{"kind": "fix", "count": 1000, "tokens_in": 1000, "tokens_out": 100}]}
        with tempfile.TemporaryDirectory() as tmp:
            cpath, wpath = os.path.join(tmp, "c.json"), os.path.join(tmp, "w.json")
            json.dump(config, open(cpath, "w"))
            json.dump(workload, open(wpath, "w"))
            return json.loads(simulate(wpath, "--config", cpath, "--json").stdout)

    def share(self, out, model):
        return {m["model"]: m["tasks"] for m in out["models"]}.get(model, 0)

    def test_daily_cap_downgrades_half_the_day(self):
        out = self.run_budget([{"scope": "model", "name": "primary", "daily_usd": 1.4, "action": "downgrade"}])
        self.assertAlmostEqual(self.share(out, "primary") / 1000, 0.5, delta=1 / 1440 + 1e-9)
        saved = [b for b in out["baselines"] if b["model"] == "primary"][0]["savings_pct"]
        self.assertAlmostEqual(saved, 0.5 * 0.9 * 100, delta=0.1)
        self.assertEqual(out["blocked"], 0)

    def test_daily_cap_restarts_each_day_monthly_does_not(self):
        out = self.run_budget([{"scope": "model", "name": "primary", "daily_usd": 1.4, "action": "downgrade"}], days=3)
        self.assertAlmostEqual(self.share(out, "primary") / 3000, 0.5, delta=1 / 1440 + 1e-9)
        out = self.run_budget([{"scope": "model", "name": "primary", "monthly_usd": 2.8, "action": "downgrade"}], days=3)
        self.assertAlmostEqual(self.share(out, "primary"), 1000, delta=1000 / 1440 + 1e-6)

    def test_overall_block_refuses(self):
        # Overall cap 0.56 USD: the primary alone would spend it in a fifth of the day;
        # the budget model is covered by the same overall cap, so the rest is refused.
        out = self.run_budget([{"scope": "overall", "daily_usd": 0.56, "action": "block"}])
        self.assertAlmostEqual(self.share(out, "primary") / 1000, 0.2, delta=1 / 1440 + 1e-9)
        self.assertAlmostEqual(out["blocked"] / 1000, 0.8, delta=1 / 1440 + 1e-9)
        self.assertEqual(self.share(out, "budget"), 0)


class SimulateRouterChecks(unittest.TestCase):
    def test_context_window_moves_long_prompts_on(self):
        local = {"kind": "ollama", "base_url": "http://127.0.0.1:9"}
        config = {"providers": {"l": local},
                  "models": {"small": {"provider": "l", "model": "s", "context_window": 4000,
                                       "price": {"input": 1.0, "output": 1.0}},
                             "large": {"provider": "l", "model": "g", "context_window": 200000,
                                       "price": {"input": 3.0, "output": 3.0}}},
                  "routes": [{"when": {}, "targets": ["small", "large"]}]}
        workload = {"tasks": [{"kind": "explain", "count": 10, "tokens_in": 1000, "tokens_out": 100},
                              {"kind": "explain", "count": 5, "tokens_in": 20000, "tokens_out": 100}]}
        with tempfile.TemporaryDirectory() as tmp:
            cpath, wpath = os.path.join(tmp, "c.json"), os.path.join(tmp, "w.json")
            json.dump(config, open(cpath, "w"))
            json.dump(workload, open(wpath, "w"))
            out = json.loads(simulate(wpath, "--config", cpath, "--json").stdout)
        tasks = {m["model"]: m["tasks"] for m in out["models"]}
        self.assertEqual(tasks, {"small": 10, "large": 5})
        self.assertAlmostEqual(out["total_cost_usd"], 10 * 1100 / 1e6 + 5 * 20100 * 3 / 1e6, places=9)


class SimulateErrors(unittest.TestCase):
    def test_bad_workloads(self):
        cfg = os.path.join(WORKLOADS, "speed-depth.config.json")
        cases = [("unknown kind", {"tasks": [{"kind": "painting"}]}, "tasks[0].kind"),
                 ("no tasks", {"tasks": []}, "tasks"),
                 ("unavailable unknown model", {"unavailable": {"nobody": 0.5}, "tasks": [{"kind": "inline"}]},
                  "unavailable.nobody"),
                 ("unavailable share above 1", {"unavailable": {"fast": 1.5}, "tasks": [{"kind": "inline"}]},
                  "unavailable.fast"),
                 ("negative tokens", {"tasks": [{"kind": "inline", "tokens_in": -4}]}, "tasks[0]")]
        with tempfile.TemporaryDirectory() as tmp:
            for name, workload, where in cases:
                with self.subTest(name=name):
                    path = os.path.join(tmp, "w.json")
                    json.dump(workload, open(path, "w"))
                    p = simulate(path, "--config", cfg, check=False)
                    self.assertEqual(p.returncode, 2, workload)
                    self.assertIn(where, p.stderr)

    def test_missing_workload_file_exits_2(self):
        with tempfile.TemporaryDirectory() as tmp:
            p = simulate(os.path.join(tmp, "missing.json"), check=False)
        self.assertEqual(p.returncode, 2)

    def test_no_workload_argument_prints_usage(self):
        p = subprocess.run([BIN, "simulate"], capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)


class SimulateQuality(unittest.TestCase):
    """data/workloads/adaptive.json: a simulated user keeps suggestions per (language,
    model); the replay runs the router's adaptive chooser against static orders."""

    def run_adaptive(self, *args):
        p = simulate(os.path.join(WORKLOADS, "adaptive.json"), "--json", *args)
        return {q["policy"]: q for q in json.loads(p.stdout)["quality"]["policies"]}

    def test_adaptive_meets_the_targets(self):
        policies = self.run_adaptive()
        adaptive, strongest = policies["adaptive"], policies["all to the strongest"]
        # At least 95% of the all-strong acceptance at no more than half its cost.
        self.assertGreaterEqual(adaptive["accepted"], 0.95 * strongest["accepted"])
        self.assertLessEqual(adaptive["cost_usd"], 0.5 * strongest["cost_usd"])
        # And a lower cost per accepted suggestion than any static order.
        statics = [q for name, q in policies.items() if name.startswith("static: ")]
        self.assertEqual(len(statics), 2)
        for q in statics:
            self.assertLess(adaptive["cost_per_accepted_usd"], q["cost_per_accepted_usd"], q["policy"])

    def test_static_figures_are_the_arithmetic(self):
        with open(os.path.join(WORKLOADS, "adaptive.json")) as f:
            w = json.load(f)
        with open(os.path.join(WORKLOADS, "adaptive.config.json")) as f:
            models = json.load(f)["models"]
        outcome = {(o["language"], o["model"]): o for o in w["quality"]["outcomes"]}

        def expect(model):
            p = models[model]["price"]
            cost = accepted = 0
            for t in w["tasks"]:
                n = t["count"] * w["days"]
                cost += n * (t["tokens_in"] * p["input"] + t["tokens_out"] * p["output"]) / 1e6
                accepted += n * outcome[(t["language"], model)]["accept"]
            return cost, accepted

        policies = self.run_adaptive()
        for model in ("sonnet", "haiku"):
            cost, accepted = expect(model)
            q = policies["static: %s first" % model]
            self.assertAlmostEqual(q["cost_usd"], cost, places=6)
            self.assertAlmostEqual(q["accepted"], accepted, places=2)
        self.assertEqual(policies["all to the strongest"]["cost_usd"],
                         policies["static: sonnet first"]["cost_usd"])

    def test_same_seed_same_figures_text_names_the_policies(self):
        self.assertEqual(self.run_adaptive(), self.run_adaptive())
        p = simulate(os.path.join(WORKLOADS, "adaptive.json"))
        self.assertIn("What users keep", p.stdout)
        for name in ("adaptive", "static: haiku first", "all to the strongest"):
            self.assertIn(name, p.stdout)

    def test_bad_quality_blocks(self):
        cfg = os.path.join(WORKLOADS, "adaptive.config.json")
        task = [{"kind": "inline", "language": "python"}]
        cases = [({"quality": []}, "quality"),
                 ({"quality": {"outcomes": []}}, "quality.outcomes"),
                 ({"quality": {"outcomes": [{"model": "nobody", "accept": 0.1}]}}, "quality.outcomes[0]"),
                 ({"quality": {"outcomes": [{"model": "haiku", "accept": 1.5}]}}, "quality.outcomes[0]"),
                 ({"quality": {"outcomes": [{"model": "haiku", "accept": 0.5, "retain": "most"}]}},
                  "quality.outcomes[0]")]
        with tempfile.TemporaryDirectory() as tmp:
            for workload, where in cases:
                workload["tasks"] = task
                path = os.path.join(tmp, "w.json")
                with open(path, "w") as f:
                    json.dump(workload, f)
                p = simulate(path, "--config", cfg, check=False)
                self.assertEqual(p.returncode, 2, workload)
                self.assertIn(where, p.stderr)


if __name__ == "__main__":
    unittest.main()
