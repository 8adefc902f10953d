#!/usr/bin/env python3
"""Demo: a scripted LSP session with the real binary, printed as a transcript
(client -> server and server -> client messages). No API key, no network."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from lsp_client import LspClient  # noqa: E402


def show(direction, obj):
    text = json.dumps(obj, ensure_ascii=False)
    print("%s %s" % (direction, text if len(text) < 200 else text[:197] + "..."))


def main():
    with LspClient(args=["--stdio"]) as c:
        seen = 0

        def drain():
            nonlocal seen
            for m in c.messages[seen:]:
                show("<-", m)
            seen = len(c.messages)

        def request(method, params):
            show("->", {"method": method, "params": params})
            result = c.request(method, params)
            drain()
            return result

        def notify(method, params):
            show("->", {"method": method, "params": params})
            c.notify(method, params)

        request("initialize", {"processId": os.getpid(), "capabilities": {
            "general": {"positionEncodings": ["utf-8", "utf-16"]}}})
        notify("initialized", {})
        uri = "file:///demo/hello.py"
        notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                          "version": 1, "text": "print('h\u00e9llo')\n"}})
        notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 13}, "end": {"line": 0, "character": 13}},
             "text": " \U0001F600"}]})
        request("workspace/executeCommand", {"command": "switchboard.unknown"})
        print("-> (a malformed message: Content-Length: 5, body {bad})")
        c.send_raw(b"Content-Length: 5\r\n\r\n{bad}")
        request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
        request("shutdown", None)
        notify("exit", None)
        code = c.wait_exit()
        drain()
        print("server exited with code %d" % code)
        return 0 if code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
