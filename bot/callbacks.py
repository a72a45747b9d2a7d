"""Callback data: one codec, one class per kind of button, with named and typed fields.

A button kind is a small frozen dataclass with a short ASCII prefix, in the spirit of aiogram's
``CallbackData``::

    class CaseView(Button, prefix="oc"):
        case: int

    CaseView(case=123).pack()          # "oc:123"
    CaseView.unpack("oc:123")          # CaseView(case=123)
    CaseView.pattern()                 # the regex PTB matches: "oc" exactly, with its fields

Fields are ``int`` (ids, versions, pages, dates: SQLite's 64-bit integers) or ``str`` (a short
lowercase ASCII token). ``pack`` refuses anything that would not come back the same, or would
not fit Telegram's 64 bytes; ``unpack`` treats whatever comes back as hostile: another prefix,
wrong field counts, non-numbers, non-ASCII and oversized data all give ``None``, which is
answered as a stale button. Who presses a button, and whether they may, is always read from the
database, never from its data.

``Codec`` knows the kinds the application uses (``bot.app`` passes the features' classes to
the guard); nothing here is registered globally.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Self, dataclass_transform, get_type_hints

MAX_BYTES = 64
# ASCII only, the whole string (``$`` would let a trailing newline through, ``\d`` Thai digits).
_TOKEN = re.compile(r"[a-z0-9_]{1,32}", re.ASCII)
_INT = re.compile(r"-?[0-9]{1,19}", re.ASCII)
MIN_INT, MAX_INT = -(2**63), 2**63 - 1


@dataclass_transform(frozen_default=True)
class Button:
    """The base of every button kind; subclasses name their ``prefix`` and declare fields."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[tuple[str, type], ...]] = ()

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not _TOKEN.fullmatch(prefix):
            raise ValueError(f"bad callback prefix {prefix!r}")
        cls.prefix = prefix
        dataclasses.dataclass(frozen=True)(cls)
        hints = get_type_hints(cls)
        kinds: list[tuple[str, type]] = []
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            kind = hints[field.name]
            if kind not in (int, str):
                raise TypeError(f"{cls.__name__}.{field.name}: only int and str fields")
            kinds.append((field.name, kind))
        cls._fields = tuple(kinds)

    def pack(self) -> str:
        """The callback data; ``ValueError`` for a value that would not come back the same."""
        parts = [self.prefix]
        for name, kind in self._fields:
            value = getattr(self, name)
            if kind is int:
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(f"{self.prefix}.{name}: {value!r} is not an int")
                if not MIN_INT <= value <= MAX_INT:
                    raise ValueError(f"{self.prefix}.{name}: {value!r} is out of range")
                parts.append(str(value))
            elif not isinstance(value, str) or not _TOKEN.fullmatch(value):
                raise ValueError(f"{self.prefix}.{name}: {value!r} is not a short ASCII token")
            else:
                parts.append(value)
        data = ":".join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """This kind's button with its values, or None for anything it did not make."""
        if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_BYTES:
            return None
        prefix, *raw = data.split(":")
        if prefix != cls.prefix or len(raw) != len(cls._fields):
            return None
        values: dict[str, int | str] = {}
        for (name, kind), text in zip(cls._fields, raw, strict=True):
            if kind is int:
                if not _INT.fullmatch(text) or not MIN_INT <= int(text) <= MAX_INT:
                    return None
                values[name] = int(text)
            elif _TOKEN.fullmatch(text):
                values[name] = text
            else:
                return None
        return cls(**values)

    @classmethod
    def pattern(cls, *leading: int | str) -> str:
        """The regex PTB matches: this prefix exactly (and these leading values), nothing that
        merely starts with the same letters."""
        head = ":".join((cls.prefix, *map(str, leading)))
        return rf"^{head}(?::|$)"


class Codec:
    """The button kinds one application uses: what the guard lets through to the features."""

    def __init__(self, kinds: Iterable[type[Button]]) -> None:
        self.kinds: dict[str, type[Button]] = {}
        for kind in kinds:
            if kind.prefix in self.kinds and self.kinds[kind.prefix] is not kind:
                raise ValueError(f"two button kinds share the prefix {kind.prefix!r}")
            self.kinds[kind.prefix] = kind

    def unpack(self, data: object) -> Button | None:
        if not isinstance(data, str):
            return None
        kind = self.kinds.get(data.split(":", 1)[0])
        return kind.unpack(data) if kind is not None else None
