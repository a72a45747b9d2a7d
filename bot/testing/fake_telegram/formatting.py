"""Entity parsing as the real API does it: malformed HTML, MarkdownV2 or Markdown is
refused (``can't parse entities``); well-formed text is reduced to what the person reads."""

from __future__ import annotations

import html
import re


class ParseError(Exception):
    pass


def byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)
_HTML_TAG_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(\s.*)?$", re.S)
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_to_plain(text: str) -> str:
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "<":
            end = text.find(">", i)
            if end == -1:
                raise ParseError(f"Unclosed start tag at byte offset {byte_offset(text, i)}")
            inner = text[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise ParseError(f"Unexpected end tag at byte offset {byte_offset(text, i)}")
                if stack[-1] != name:
                    raise ParseError(
                        f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
                    )
                stack.pop()
            else:
                m = _HTML_TAG_RE.match(inner)
                name = m.group(1).lower() if m else (inner.split() or [""])[0]
                if m is None or name not in _HTML_TAGS:
                    raise ParseError(
                        f'Unsupported start tag "{name}" at byte offset {byte_offset(text, i)}'
                    )
                attrs = m.group(2) or ""
                if name == "span" and "tg-spoiler" not in attrs:
                    raise ParseError(
                        'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{byte_offset(text, i)}"
                    )
                stack.append(name)
            i = end + 1
        elif c == "&":
            m = _HTML_ENTITY_RE.match(text, i)
            if m is None:
                out.append("&")
                i += 1
                continue
            body = m.group(1)
            if body.startswith("#"):
                out.append(html.unescape(m.group(0)))
            else:
                out.append(_HTML_NAMED.get(body, m.group(0)))
            i = m.end()
        else:
            out.append(c)
            i += 1
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}


def _find_unescaped(text: str, token: str, start: int) -> int:
    k = start
    while k < len(text):
        if text[k] == "\\":
            k += 2
        elif text.startswith(token, k):
            return k
        else:
            k += 1
    return -1


def _unescape_code(body: str) -> str:
    return re.sub(r"\\([\\`])", r"\1", body)


def _markdown_v2_to_plain(text: str) -> str:
    out: list[str] = []
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.append(text[i + 1])
                i += 2
            else:
                out.append(c)
                i += 1
            continue
        if c == "`":
            if text.startswith("```", i):
                end = _find_unescaped(text, "```", i + 3)
                if end == -1:
                    raise ParseError(
                        f"Can't find end of Pre entity at byte offset {byte_offset(text, i)}"
                    )
                body = text[i + 3 : end]
                first, sep, rest = body.partition("\n")
                if sep and re.fullmatch(r"[\w+#.-]*", first):
                    body = rest
                out.append(_unescape_code(body))
                i = end + 3
            else:
                end = _find_unescaped(text, "`", i + 1)
                if end == -1:
                    raise ParseError(
                        f"Can't find end of Code entity at byte offset {byte_offset(text, i)}"
                    )
                out.append(_unescape_code(text[i + 1 : end]))
                i = end + 1
            continue
        token = ""
        if text.startswith("__", i):
            token = "__"
        elif text.startswith("||", i):
            token = "||"
        elif c in "*_~":
            token = c
        if token:
            if stack and stack[-1][0] == token:
                stack.pop()
            elif any(t == token for t, _ in stack):
                t, pos = stack[-1]
                raise ParseError(
                    f"Can't find end of {_MDV2_NAMES[t]} entity at byte offset "
                    f"{byte_offset(text, pos)}"
                )
            else:
                stack.append((token, i))
            i += len(token)
            continue
        if c == "[":
            stack.append(("[", i))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            stack.pop()
            if not text.startswith("(", i + 1):
                raise ParseError(
                    "Character ']' is reserved and must be escaped with the preceding '\\'"
                )
            end = _find_unescaped(text, ")", i + 2)
            if end == -1:
                raise ParseError(
                    f"Can't find end of a URL at byte offset {byte_offset(text, i + 2)}"
                )
            i = end + 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # block quotation
            continue
        if c in _MDV2_RESERVED:
            raise ParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(c)
        i += 1
    if stack:
        t, pos = stack[-1]
        raise ParseError(
            f"Can't find end of {_MDV2_NAMES[t]} entity at byte offset {byte_offset(text, pos)}"
        )
    return "".join(out)


def _markdown_to_plain(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            i += 2
            continue
        if c in "*_`":
            token = "```" if text.startswith("```", i) else c
            end = text.find(token, i + len(token))
            if end == -1:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
                )
            out.append(text[i + len(token) : end])
            i = end + len(token)
            continue
        if c == "[":
            end = text.find("]", i + 1)
            if end == -1:
                raise ParseError(
                    f"Can't find end of the entity starting at byte offset {byte_offset(text, i)}"
                )
            out.append(text[i + 1 : end])
            i = end + 1
            if text.startswith("(", i):
                close = text.find(")", i)
                if close == -1:
                    raise ParseError(
                        f"Can't find end of a URL at byte offset {byte_offset(text, i)}"
                    )
                i = close + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def to_plain(text: str, parse_mode: str | None) -> str:
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _html_to_plain(text)
    if mode == "markdownv2":
        return _markdown_v2_to_plain(text)
    if mode == "markdown":
        return _markdown_to_plain(text)
    return text
