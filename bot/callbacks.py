"""Callback data: short ASCII codes, encoded and decoded in one place.

A code is ``prefix:field:field`` (for example ``cv:123:4``, "case view, case 123, version 4").
Telegram allows 64 bytes; ``encode`` refuses anything longer or non-ASCII, and ``decode`` treats
whatever comes back as hostile: unknown prefixes, wrong field counts, non-numbers and oversized
data all give ``None``, which handlers answer as a stale button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
# ASCII only, the whole string (``$`` would let a trailing newline through, ``\d`` Thai digits).
_TOKEN = re.compile(r"[a-z0-9_]{1,32}", re.ASCII)
_INT = re.compile(r"-?[0-9]{1,19}", re.ASCII)
# Numbers in callback data are ids, versions, pages and dates: SQLite's 64-bit integers.
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


@dataclass(frozen=True, slots=True)
class Spec:
    prefix: str
    fields: tuple[str, ...]
    """Each field is 'int' or 'token' (short lowercase ASCII)."""


@dataclass(frozen=True, slots=True)
class Callback:
    prefix: str
    values: tuple[int | str, ...]

    def number(self, index: int) -> int:
        value = self.values[index]
        assert isinstance(value, int)
        return value

    def token(self, index: int) -> str:
        value = self.values[index]
        assert isinstance(value, str)
        return value


_REGISTRY: dict[str, Spec] = {}


def register(prefix: str, *fields: str) -> Spec:
    if not _TOKEN.fullmatch(prefix) or prefix in _REGISTRY:
        raise ValueError(f"bad or duplicate callback prefix {prefix!r}")
    if any(f not in ("int", "token") for f in fields):
        raise ValueError(f"unknown field type in {fields!r}")
    spec = Spec(prefix, fields)
    _REGISTRY[prefix] = spec
    return spec


def registered() -> dict[str, Spec]:
    return dict(_REGISTRY)


def encode(spec: Spec, *values: int | str) -> str:
    if len(values) != len(spec.fields):
        raise ValueError(f"{spec.prefix}: expected {len(spec.fields)} values")
    parts = [spec.prefix]
    for kind, value in zip(spec.fields, values, strict=True):
        if kind == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValueError(f"{spec.prefix}: {value!r} is not an int")
            if not MIN_INT <= value <= MAX_INT:
                raise ValueError(f"{spec.prefix}: {value!r} is out of range")
            parts.append(str(value))
        else:
            if not isinstance(value, str) or not _TOKEN.fullmatch(value):
                raise ValueError(f"{spec.prefix}: {value!r} is not a short ASCII token")
            parts.append(value)
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: object) -> Callback | None:
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
        return None
    prefix, *raw = data.split(":")
    spec = _REGISTRY.get(prefix)
    if spec is None or len(raw) != len(spec.fields):
        return None
    values: list[int | str] = []
    for kind, text in zip(spec.fields, raw, strict=True):
        if kind == "int":
            if not _INT.fullmatch(text) or not MIN_INT <= int(text) <= MAX_INT:
                return None
            values.append(int(text))
        elif _TOKEN.fullmatch(text):
            values.append(text)
        else:
            return None
    return Callback(prefix, tuple(values))


LANGUAGE = register("lang", "token")
