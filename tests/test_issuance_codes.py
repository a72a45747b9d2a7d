"""The buttons' callback data: officer kinds start with "o" or "a", foundation kinds with "f",
every one fits Telegram's 64 bytes with the largest values we expect and comes back the same,
and no two kinds of the application share a prefix."""

from __future__ import annotations

import dataclasses
from typing import get_type_hints

import pytest

from bot import app as bot_app
from bot.callbacks import MAX_BYTES, Button, Codec
from handlers.foundation import buttons as foundation_buttons
from handlers.officer import buttons as officer_buttons

BIG: dict[type, int | str] = {int: 99_999_999_999, str: "done"}  # far beyond any office's volume


def _kinds(module: object) -> list[type[Button]]:
    return [
        v
        for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, Button) and v is not Button
    ]


def test_every_code_fits_and_decodes_back() -> None:
    officer, foundation = _kinds(officer_buttons), _kinds(foundation_buttons)
    assert officer and foundation
    assert all(k.prefix[0] in "oa" for k in officer)
    assert all(k.prefix.startswith("f") for k in foundation)
    for kind in officer + foundation:
        hints = get_type_hints(kind)
        values = {f.name: BIG[hints[f.name]] for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
        pressed = kind(**values)
        data = pressed.pack()
        assert len(data.encode()) <= MAX_BYTES
        assert kind.unpack(data) == pressed
        assert bot_app.codec(bot_app.features()).unpack(data) == pressed


def test_every_kind_the_application_uses_is_listed_once() -> None:
    kinds = bot_app.codec(bot_app.features()).kinds
    assert set(kinds.values()) >= set(_kinds(officer_buttons)) | set(_kinds(foundation_buttons))
    clash = type("Clash", (Button,), {"__annotations__": {}}, prefix="oc")
    with pytest.raises(ValueError, match="share the prefix"):
        Codec([*kinds.values(), clash])


def test_a_button_refuses_what_would_not_come_back_the_same() -> None:
    with pytest.raises(ValueError):
        officer_buttons.Queue(bucket="Not ASCII ไทย", page=0).pack()
    with pytest.raises(ValueError):
        officer_buttons.OpenCase(case=2**63).pack()
    with pytest.raises(ValueError):
        foundation_buttons.Choice(wizard="reg", field="x" * 30, value="y" * 30).pack()
    assert officer_buttons.OpenCase.unpack("oc:1") is None  # another kind's prefix
    assert officer_buttons.ShowCase.unpack("oc:1") == officer_buttons.ShowCase(case=1)
