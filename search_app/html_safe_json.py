"""A Flask JSON provider whose output is safe to sniff or embed in HTML and always valid UTF-8.

Stored text keeps its exact value for API clients; only its JSON spelling changes: `<`, `>` and `&`
become `\\u003c`-style escapes (as Go's encoding/json does), so a `<script>` in a document body never
appears as markup in the response bytes. Bidi controls (which can make raw JSON read differently from what
it holds, as in "Trojan Source") and lone surrogates (which UTF-8 cannot carry) are escaped too.
"""
from __future__ import annotations

import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

# every <mark> of a highlight holds these: plain str.replace is far cheaper than a regex callback each
_COMMON = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))
_RARE = re.compile("[\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


class HtmlSafeJSONProvider(DefaultJSONProvider):
    """Readable UTF-8 JSON (Arabic is not turned into \\u escapes) with HTML-significant characters escaped."""

    ensure_ascii = False
    sort_keys = False

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        text = super().dumps(obj, **kwargs)
        for unsafe, escaped in _COMMON:
            text = text.replace(unsafe, escaped)
        return _RARE.sub(_escape, text)
