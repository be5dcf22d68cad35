#!/usr/bin/env python3
"""Writes each canned server reply found in the test sources (a C# string literal starting with an HTTP
status line and holding a blank line) to OUT_DIR, one file per distinct reply, for `Http.Client.Fuzz seeds`."""
import glob, hashlib, os, re, sys

MAX_REPLY = 600  # small seeds fuzz faster; the long replies in the tests are long only in their bodies

out = sys.argv[1] if len(sys.argv) > 1 else "replies"
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests")
literal = re.compile(r'"((?:HTTP/1\.[01]|HTTP/0)(?:[^"\\]|\\.)*)"')
escapes = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\", '"': b'"'}


def unescape(text):
    result, i = bytearray(), 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt in escapes:
                result += escapes[nxt]; i += 2; continue
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                result.append(int(text[i + 2:i + 6], 16) & 0xFF); i += 6; continue
            result += nxt.encode("latin-1", "replace"); i += 2; continue
        result += ch.encode("latin-1", "replace"); i += 1
    return bytes(result)


os.makedirs(out, exist_ok=True)
seen = set()
for path in sorted(glob.glob(os.path.join(root, "**", "*.cs"), recursive=True)):
    for match in literal.finditer(open(path, encoding="utf-8").read()):
        reply = unescape(match.group(1))
        if (b"\r\n\r\n" in reply or b"\n\n" in reply) and len(reply) <= MAX_REPLY and reply not in seen:
            seen.add(reply)
            with open(os.path.join(out, "r" + hashlib.sha1(reply).hexdigest()[:10]), "wb") as f:
                f.write(reply)
print(f"{len(seen)} replies written to {out}")
