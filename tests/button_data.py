"""Callback data as a real button carries it, for tests that press by data: the values in the
order of the button kind's fields (``encode(OpenCase, 7)`` is ``OpenCase(case=7).pack()``)."""

from __future__ import annotations

import dataclasses

from bot.callbacks import Button


def encode(kind: type[Button], *values: int | str) -> str:
    names = [f.name for f in dataclasses.fields(kind)]  # type: ignore[arg-type]
    if len(names) != len(values):
        raise ValueError(f"{kind.__name__} has fields {names}, given {values!r}")
    return kind(**dict(zip(names, values, strict=True))).pack()
