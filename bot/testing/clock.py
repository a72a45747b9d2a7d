"""A clock that stands still until a test moves it: pass it as ``clock=`` to the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# Thursday 26 November 2026, 09:00 in Bangkok: a working day with a known calendar around it.
THURSDAY_MORNING = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)


class ManualClock:
    """A ``bot.clock.Clock`` that returns ``now`` until ``advance`` or ``set`` moves it.

    clock = ManualClock()
    async with BotUnderTest.start(fake, tmp_path, clock=clock) as bot:
        ...
        clock.advance(days=31)
    """

    def __init__(self, start: datetime = THURSDAY_MORNING) -> None:
        self.now = start
        self.set(start)

    def __call__(self) -> datetime:
        return self.now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("naive datetime: the clock holds aware times only")
        self.now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by ``timedelta(**delta)``, e.g. ``advance(hours=1, seconds=1)``."""
        self.now += timedelta(**delta)
