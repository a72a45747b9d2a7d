"""The issuance buttons' callback data: officer codes start with "o", foundation codes with
"f", and every one fits Telegram's 64 bytes with the largest values we expect."""

from __future__ import annotations

from bot import callbacks
from bot.callbacks import Spec
from handlers.foundation import pickup_buttons
from handlers.officer import issuance_codes

BIG = {"int": 99_999_999_999, "token": "done"}  # ids far beyond any office's volume


def _specs(module: object) -> list[Spec]:
    return [v for v in vars(module).values() if isinstance(v, Spec)]


def test_every_code_fits_and_decodes_back() -> None:
    officer, foundation = _specs(issuance_codes), _specs(pickup_buttons)
    assert officer and foundation
    assert all(s.prefix.startswith("o") for s in officer)
    assert all(s.prefix.startswith("f") for s in foundation)
    for spec in officer + foundation:
        values = [BIG[kind] for kind in spec.fields]
        data = callbacks.encode(spec, *values)
        assert len(data.encode()) <= callbacks.MAX_BYTES
        decoded = callbacks.decode(data)
        assert decoded is not None and decoded.prefix == spec.prefix
        assert list(decoded.values) == values
