"""Inline answers reused without a backend request: typed-through across the switch
from a multi-line to a single-line request, and cache hits on automatic triggers
answered without waiting out the debounce."""
import unittest

from test_inline import CANCELLED, InlineBase, position_of, uri


class TestTypedThroughIntoSingleLine(InlineBase):
    # Automatic triggers, as an editor sends them while the user types.
    def test_typing_into_a_suggestion_on_an_empty_indented_line(self):
        # The case: the suggestion was asked on an empty indented line
        # (multi-line context); after "ret" the line is no longer empty and the
        # request is single-line. The rest comes from the cache.
        self.fs.default(text="return x + 1")
        text = "def f(x):\n    \n\nprint(f(2))\n"
        doc = uri("typed_multi.py")
        self.client.open(doc, text, "python")
        first = self.items(self.inline_request(doc, {"line": 1, "character": 4}, trigger=2))
        self.assertEqual(first[0]["insertText"], "return x + 1")
        self.assertEqual(len(self.upstream()), 1)
        at = {"line": 1, "character": 4}
        self.client.change(doc, 2, [{"range": {"start": at, "end": at}, "text": "ret"}])
        rest = self.items(self.inline_request(doc, {"line": 1, "character": 7}, trigger=2))
        self.assertEqual([i["insertText"] for i in rest], ["urn x + 1"])
        self.assertEqual(rest[0]["command"]["arguments"][0], first[0]["command"]["arguments"][0])
        self.assertEqual(len(self.upstream()), 1, "no second upstream request")

    def test_rest_of_a_multi_line_suggestion_cut_to_its_first_line(self):
        self.fs.default(text="    y = x * 2\n    return y\n\nprint(f(1))\n")
        text = "def f(x):\n    \n\nprint(f(2))\n"
        doc = uri("typed_cut.py")
        self.client.open(doc, text, "python")
        first = self.items(self.inline_request(doc, {"line": 1, "character": 4}, trigger=2))
        self.assertEqual(first[0]["insertText"], "y = x * 2\n    return y")
        at = {"line": 1, "character": 4}
        self.client.change(doc, 2, [{"range": {"start": at, "end": at}, "text": "y ="}])
        rest = self.items(self.inline_request(doc, {"line": 1, "character": 7}, trigger=2))
        self.assertEqual([i["insertText"] for i in rest], [" x * 2"])
        self.assertEqual(len(self.upstream()), 1)


class TestHitsSkipTheDebounce(InlineBase):
    # A debounce far longer than any hang bound: an answer that waits for it times out.
    inline = {"debounce_ms": 60000}

    def test_cache_hit_on_an_automatic_trigger_is_answered_at_once(self):
        self.fs.default(text="compute_total(items)")
        text = "def f(items):\n    return "
        doc = uri("hit_now.py")
        self.client.open(doc, text, "python")
        pos = position_of(text, len(text), "utf-16")
        self.items(self.inline_request(doc, pos, trigger=1))   # invoked: no debounce
        self.assertEqual(len(self.upstream()), 1)
        hit = self.items(self.inline_request(doc, pos, trigger=2), timeout=10)
        self.assertEqual([i["insertText"] for i in hit], ["compute_total(items)"])
        # typed-through too
        self.client.change(doc, 2, [{"range": {"start": pos, "end": pos}, "text": "comp"}])
        text += "comp"
        rest = self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=2),
                          timeout=10)
        self.assertEqual([i["insertText"] for i in rest], ["ute_total(items)"])
        self.assertEqual(len(self.upstream()), 1)

    def test_a_miss_still_waits_for_the_debounce(self):
        text = "fresh = "
        doc = uri("miss_waits.py")
        self.client.open(doc, text, "python")
        rid = self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=2)
        # a later request for the document supersedes the one still debouncing
        self.items(self.inline_request(doc, position_of(text, len(text), "utf-16"), trigger=1))
        self.assertEqual(self.client.wait_response(rid)["error"]["code"], CANCELLED)
        self.assertEqual(len(self.upstream()), 1, "only the invoked request went upstream")


if __name__ == "__main__":
    unittest.main()
