"""The switchboard.stats LSP command: the same summary as `switchboard stats --json`,
read from the ledger at its default place ($XDG_STATE_HOME/switchboard/), with since/by
arguments, advertised in executeCommandProvider, bad arguments rejected."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from lsp_client import LspClient, binary_path

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


class StatsCommand(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="sb-stats-lsp-")
        state = os.path.join(self.tmp, "state", "switchboard")
        os.makedirs(state)
        for suffix in ("", ".1"):
            shutil.copy(os.path.join(DATA, "stats-ledger.jsonl" + suffix), os.path.join(state, "ledger.jsonl" + suffix))
        self.ledger = os.path.join(state, "ledger.jsonl")
        self.env = {"XDG_STATE_HOME": os.path.join(self.tmp, "state"),
                    "XDG_CONFIG_HOME": os.path.join(self.tmp, "config"), "HOME": self.tmp,
                    "SWITCHBOARD_CONFIG": "", "SWITCHBOARD_NO_KEY_CMD": "1"}

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def cli_json(self, *args):
        env = dict(os.environ)
        env.update(self.env)
        p = subprocess.run([binary_path(), "stats", "--ledger", self.ledger, "--json", *args],
                           capture_output=True, text=True, timeout=30, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def test_summary_matches_cli(self):
        with LspClient(env=self.env) as c:
            result, error = c.initialize()
            self.assertIsNone(error)
            commands = result["capabilities"]["executeCommandProvider"]["commands"]
            self.assertIn("switchboard.stats", commands)
            summary, error = c.execute_command("switchboard.stats")
            self.assertIsNone(error)
            by_task, error = c.execute_command("switchboard.stats", [{"by": "task", "since": "3650d"}])
            self.assertIsNone(error)
            self.assertEqual(c.shutdown_and_exit(), 0)
        cli = self.cli_json()
        self.assertEqual(summary["by"], "model")
        self.assertEqual(summary["total"], cli["total"])
        self.assertEqual(summary["groups"], cli["groups"])
        self.assertEqual(summary["total"]["attempts"], 14)
        self.assertEqual(by_task["by"], "task")
        self.assertEqual([g["key"] for g in by_task["groups"]],
                         [g["key"] for g in self.cli_json("--by", "task")["groups"]])

    def test_bad_arguments(self):
        with LspClient(env=self.env) as c:
            c.initialize()
            _, error = c.execute_command("switchboard.stats", [{"since": "soon"}])
            self.assertEqual(error["code"], -32602)
            self.assertIn("soon", error["message"])
            _, error = c.execute_command("switchboard.stats", [{"by": "colour"}])
            self.assertEqual(error["code"], -32602)
            self.assertEqual(c.shutdown_and_exit(), 0)


if __name__ == "__main__":
    unittest.main()
