"""Time as stored: aware UTC datetimes, written as ISO-8601 text."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store aware UTC times only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def utcnow() -> datetime:
    """The system clock. The running bot never calls it directly: it is injected
    (``bot.clock.system_clock``) so tests can pass a clock of their own."""
    return datetime.now(UTC)
