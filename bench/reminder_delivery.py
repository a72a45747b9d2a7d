"""Delivery rate of queued reminders against a fake Bot API that enforces Telegram's limits.

    python bench/reminder_delivery.py [--recipients 1000] [--per-person 3]

Starts the real bot against ``FakeTelegram(rate_limits=RateLimits(30 a second overall, one a
second per chat))``, queues ``recipients x per-person`` non-urgent reminders in one
transaction (as the reminder scan does), and waits until the outbox has nothing pending.
Reports the delivery time, the achieved rate against the 30-a-second limit, how many requests
the fake refused with 429, and whether any message was lost or delivered twice.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.i18n import encode_params
from bot.testing.fake_telegram import FakeTelegram, RateLimits
from bot.testing.harness import BotUnderTest
from storage import outbox as outbox_repo
from storage import users as users_repo

LIMIT = 30


async def _none(count: Callable[[], Awaitable[int]]) -> bool:
    return await count() == 0


async def main(recipients: int, per_person: int) -> int:
    limits = RateLimits(global_per_second=LIMIT, per_chat_interval=1.0)
    with tempfile.TemporaryDirectory() as tmp:
        async with (
            FakeTelegram(rate_limits=limits) as fake,
            BotUnderTest.start(
                fake,
                Path(tmp),
                outbox_per_second=29,
                outbox_per_chat_interval=1.0,
                # No quiet hours for the run, whatever the time of day.
                quiet_hours_start=dt.time(0, 0),
                quiet_hours_end=dt.time(0, 0),
            ) as bot,
        ):
            services = bot.services
            people = list(range(100_000, 100_000 + recipients))
            now = services.clock()
            async with services.db.transaction() as conn:
                for user_id in people:
                    await users_repo.touch(conn, user_id, f"user {user_id}", "th", now)
                for n in range(per_person):
                    for user_id in people:
                        await outbox_repo.enqueue(
                            conn,
                            recipient_id=user_id,
                            kind="bench",
                            msg_id="reminder.digest.count_line",
                            params=encode_params({"status": str(user_id), "count": n}),
                            now=now,
                            urgent=False,
                        )
            total = recipients * per_person
            started = time.monotonic()

            async def pending() -> int:
                row = await services.db.fetchone(
                    "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"
                )
                return int(row[0]) if row else 0

            await bot.eventually(lambda: _none(pending), timeout=3600, interval=0.2)
            elapsed = time.monotonic() - started

    delivered = Counter(
        (m.chat_id, m.text) for uid in people for m in fake.messages(uid) if m.kind == "text"
    )
    duplicates = sum(c - 1 for c in delivered.values() if c > 1)
    expected = {(uid, f"• {uid}: {n}") for uid in people for n in range(per_person)}
    lost = len(expected - set(delivered))
    in_order = all(
        [m.text for m in fake.messages(uid)] == [f"• {uid}: {n}" for n in range(per_person)]
        for uid in people
    )
    refused = [c for c in fake.calls("sendMessage", include_failed=True) if c.failed]
    rate = total / elapsed
    print(f"messages:        {total} to {recipients} recipients ({per_person} each)")
    print(f"delivery time:   {elapsed:.1f} s")
    print(f"achieved rate:   {rate:.1f} messages/s = {100 * rate / LIMIT:.0f}% of {LIMIT}/s")
    print(f"429 refusals:    {len(refused)}")
    print(f"lost:            {lost}")
    print(f"duplicates:      {duplicates}")
    print(f"order kept:      {in_order}")
    return 0 if lost == 0 and duplicates == 0 and in_order else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--per-person", type=int, default=3)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.recipients, args.per_person)))
