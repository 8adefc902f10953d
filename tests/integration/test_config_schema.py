"""The shipped JSON Schema (data/config.schema.json) against the example configs and
against the C loader: every example validates and loads (`switchboard check` exits 0);
invalid documents are rejected by both. The validator covers exactly the schema
keywords the file uses and refuses any other, so the schema cannot silently grow
past what is checked here."""
import json
import os
import re
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_PATH = os.path.join(ROOT, "data", "config.schema.json")
EXAMPLES = os.path.join(ROOT, "data", "examples")
BIN = os.environ.get("SWITCHBOARD_BIN", os.path.join(ROOT, "switchboard"))

ANNOTATIONS = {"$schema", "$id", "title", "description", "default", "examples", "$defs"}


def strip_jsonc(text):
    """Blanks // and /* */ comments and trailing commas outside strings."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.index("*/", i + 2)
            out.append(re.sub(r"[^\n]", " ", text[i:end + 2]))
            i = end + 2
        else:
            out.append(c)
            i += 1
    return re.sub(r",(\s*[}\]])", r"\1", "".join(out))


def load_jsonc(path):
    with open(path, encoding="utf-8") as f:
        return json.loads(strip_jsonc(f.read()))


class Validator:
    """JSON Schema subset: type, enum, properties, additionalProperties, required,
    items, minItems, minimum, maximum, pattern, anyOf, $ref (local)."""

    def __init__(self, schema):
        self.schema = schema

    def resolve(self, ref):
        assert ref.startswith("#/"), ref
        node = self.schema
        for part in ref[2:].split("/"):
            node = node[part]
        return node

    @staticmethod
    def type_ok(value, name):
        if name == "object":
            return isinstance(value, dict)
        if name == "array":
            return isinstance(value, list)
        if name == "string":
            return isinstance(value, str)
        if name == "boolean":
            return isinstance(value, bool)
        if name == "integer":
            return (isinstance(value, int) and not isinstance(value, bool)) or \
                (isinstance(value, float) and value.is_integer())
        if name == "number":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if name == "null":
            return value is None
        raise AssertionError("unknown type " + name)

    def errors(self, value, schema, path="$"):
        unknown = set(schema) - ANNOTATIONS - {
            "type", "enum", "properties", "additionalProperties", "required", "items",
            "minItems", "minimum", "maximum", "pattern", "anyOf", "$ref"}
        if unknown:
            raise AssertionError(f"schema keyword(s) not covered by the validator: {unknown}")
        if "$ref" in schema:
            yield from self.errors(value, self.resolve(schema["$ref"]), path)
        if "type" in schema and not self.type_ok(value, schema["type"]):
            yield f"{path}: expected {schema['type']}"
            return
        if "enum" in schema and value not in schema["enum"]:
            yield f"{path}: {value!r} not in {schema['enum']}"
        if "anyOf" in schema and not any(
                not list(self.errors(value, s, path)) for s in schema["anyOf"]):
            yield f"{path}: matches none of anyOf"
        if isinstance(value, dict):
            props = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in value:
                    yield f"{path}: missing {key}"
            for key, item in value.items():
                if key in props:
                    yield from self.errors(item, props[key], f"{path}.{key}")
                elif schema.get("additionalProperties") is False:
                    yield f"{path}: unknown key {key}"
                elif isinstance(schema.get("additionalProperties"), dict):
                    yield from self.errors(item, schema["additionalProperties"], f"{path}.{key}")
        if isinstance(value, list):
            if len(value) < schema.get("minItems", 0):
                yield f"{path}: fewer than {schema['minItems']} items"
            if "items" in schema:
                for i, item in enumerate(value):
                    yield from self.errors(item, schema["items"], f"{path}[{i}]")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                yield f"{path}: below {schema['minimum']}"
            if "maximum" in schema and value > schema["maximum"]:
                yield f"{path}: above {schema['maximum']}"
        if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
            yield f"{path}: does not match {schema['pattern']}"

    def validate(self, value):
        return list(self.errors(value, self.schema))


def run_check(path, env_extra=None):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir(),
           "SWITCHBOARD_NO_PROBE_LOCAL": "1", "SWITCHBOARD_NO_KEY_CMD": "1"}
    env.update(env_extra or {})
    return subprocess.run([BIN, "check", "--config", path], capture_output=True, text=True,
                          env=env, timeout=30)


BASE = {
    "providers": {"p": {"kind": "openai", "api_key_env": "SB_TEST_KEY"}},
    "models": {"fast": {"provider": "p", "model": "gpt-5-mini"}},
}

# Each is invalid for the schema and for the loader.
INVALID = [
    {"providers": {"p": {"kind": "openia"}}},
    {"providers": {"p": {"base_url": "https://x"}}},
    dict(BASE, models={"fast": {"provider": "p", "model": "m", "fim": "yes"}}),
    dict(BASE, models={"fast": {"provider": "p"}}),
    dict(BASE, routes=[{"when": {"task": "refactr"}, "targets": ["fast"]}]),
    dict(BASE, routes=[{"targets": []}]),
    dict(BASE, routes=[{"targets": ["fast"], "strategy": "random"}]),
    dict(BASE, inline={"debounce_ms": -1}),
    dict(BASE, inline={"max_lines": "many"}),
    dict(BASE, breaker={"failure_rate": 2}),
    dict(BASE, budgets=[{"daily_usd": -1}]),
    dict(BASE, actions=[{"id": "Bad Id", "title": "t", "prompt": "p"}]),
    dict(BASE, actions=[{"id": "a", "title": "t"}]),
    dict(BASE, preset="fastest"),
    dict(BASE, ledger={"max_bytes": 10}),
]


class ConfigSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            cls.validator = Validator(json.load(f))

    def examples(self):
        names = sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".json"))
        self.assertGreaterEqual(len(names), 5)
        return [os.path.join(EXAMPLES, n) for n in names]

    def test_examples_validate_against_schema(self):
        for path in self.examples():
            with self.subTest(example=os.path.basename(path)):
                self.assertEqual(self.validator.validate(load_jsonc(path)), [])

    def test_examples_load_in_switchboard(self):
        for path in self.examples():
            with self.subTest(example=os.path.basename(path)):
                r = run_check(path)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("configuration is valid", r.stdout)

    def test_one_example_per_preset(self):
        presets = self.validator.schema["properties"]["preset"]["enum"]
        used = {load_jsonc(p).get("preset") for p in self.examples()}
        for preset in presets:
            with self.subTest(preset=preset):
                self.assertIn(preset, used)

    def test_invalid_documents_rejected_by_both(self):
        for i, doc in enumerate(INVALID):
            with self.subTest(case=i, doc=doc):
                self.assertNotEqual(self.validator.validate(doc), [], "schema accepted it")
                with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                    json.dump(doc, f)
                try:
                    r = run_check(f.name)
                finally:
                    os.unlink(f.name)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertIn(f.name + ": ", r.stderr)

    def test_validator_rejects_what_it_should(self):
        # The validator itself must be able to fail.
        self.assertEqual(self.validator.validate(BASE), [])
        self.assertNotEqual(self.validator.validate({"providers": []}), [])


if __name__ == "__main__":
    unittest.main()
