"""Message text as a small tree the page turns into DOM nodes itself.

The page never sets ``innerHTML`` from a message: the server hands it plain strings and a
handful of known tags (bold, italic, link...), and the script creates each element by name
and fills it with ``textContent``. Telegram's HTML is parsed here with a whitelist, so a
message cannot smuggle markup, attributes or script into the page whatever it contains.

A node is either a ``str`` (text) or ``{"tag": ..., "children": [...]}`` with ``href`` for
links. Tags: b, i, u, s, spoiler, code, pre, blockquote, a.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

Node = str | dict[str, Any]

# Telegram's HTML tags (https://core.telegram.org/bots/api#html-style) by what they mean.
_HTML_TAGS = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "a",
}

_ENTITY_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
    "text_link": "a",
    "url": "a",
}

# Links the page may follow; anything else (javascript:, data:, tg:) stays plain text.
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


def safe_href(url: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


def _element(tag: str, href: str | None = None) -> dict[str, Any]:
    node: dict[str, Any] = {"tag": tag, "children": []}
    if tag == "a":
        if href is None:
            node["tag"] = "span"  # a link we will not follow keeps its text, not its target
        else:
            node["href"] = href
    return node


class _TelegramHTML(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = []
        # (html tag, children list); unknown tags push their parent's list (transparent).
        self._stack: list[tuple[str, list[Node]]] = [("", self.root)]

    def _add(self, node: Node) -> None:
        children = self._stack[-1][1]
        if isinstance(node, str) and children and isinstance(children[-1], str):
            children[-1] += node
        else:
            children.append(node)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        kind = _HTML_TAGS.get(tag)
        if tag == "span" and "tg-spoiler" in (values.get("class") or "").split():
            kind = "spoiler"
        if kind is None:
            self._stack.append((tag, self._stack[-1][1]))
            return
        node = _element(kind, safe_href(values.get("href")) if kind == "a" else None)
        self._add(node)
        self._stack.append((tag, node["children"]))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._stack) - 1, 0, -1):
            if self._stack[depth][0] == tag:
                del self._stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        if data:
            self._add(data)


def from_html(text: str) -> list[Node]:
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    return parser.root


def from_entities(text: str, entities: Sequence[Any]) -> list[Node]:
    """Bot API ``MessageEntity`` offsets count UTF-16 code units, not Python characters."""
    units = text.encode("utf-16-le")
    size = len(units) // 2
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for entity in entities:
        if not isinstance(entity, dict) or entity.get("type") not in _ENTITY_TAGS:
            continue
        offset, length = entity.get("offset"), entity.get("length")
        if not (isinstance(offset, int) and isinstance(length, int)):
            continue
        if length > 0 and offset >= 0 and offset + length <= size:
            spans.append((offset, offset + length, entity))
    spans.sort(key=lambda s: (s[0], -s[1]))
    return _nest(units, 0, size, spans)


def _decode(units: bytes, start: int, end: int) -> str:
    return units[2 * start : 2 * end].decode("utf-16-le", errors="replace")


def _nest(
    units: bytes, start: int, end: int, spans: list[tuple[int, int, dict[str, Any]]]
) -> list[Node]:
    out: list[Node] = []
    pos, i = start, 0
    while i < len(spans):
        first, last, entity = spans[i]
        if first > pos:
            out.append(_decode(units, pos, first))
        inner = [s for s in spans[i + 1 :] if s[0] >= first and s[1] <= last]
        kind = _ENTITY_TAGS[str(entity["type"])]
        href = None
        if kind == "a":
            href = safe_href(entity.get("url") or _decode(units, first, last))
        node = _element(kind, href)
        node["children"] = _nest(units, first, last, inner)
        out.append(node)
        pos = last
        # Entities may nest but not overlap: whatever starts inside this one was handled.
        while i < len(spans) and spans[i][0] < last:
            i += 1
    if pos < end:
        out.append(_decode(units, pos, end))
    return out


def rich_text(
    text: str | None, parse_mode: str | None = None, entities: Sequence[Any] | None = None
) -> list[Node]:
    """The message's text as nodes; Markdown modes fall back to the plain text given."""
    if not text:
        return []
    if (parse_mode or "").lower() == "html":
        return from_html(text)
    if entities:
        return from_entities(text, entities)
    return [text]
