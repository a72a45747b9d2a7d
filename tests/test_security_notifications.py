"""A notification waits in the outbox for a while (quiet hours, Telegram's limits, a retry).
Whoever it is for is asked again when it goes out: someone who meanwhile lost sight of the case
(an officer deactivated, or moved to another province) is not sent it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.outbox import deliver_due
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from storage import outbox as outbox_repo
from tests.conftest import seed_world
from tests.security_support import Kind, Stages, add_person


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_a_notification_is_not_sent_to_someone_who_may_no_longer_see_the_case(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        # No outbox job: the test sends by hand, when it is time to.
        job_queue = bot.application.job_queue
        assert job_queue is not None
        for job in job_queue.get_jobs_by_name("outbox"):
            job.schedule_removal()
        world = await seed_world(bot.services.db, bot.services.clock())
        moved = await add_person(bot, world, Kind.OFFICER)
        staying = await add_person(bot, world, Kind.OFFICER)
        case = await Stages(bot, world).submitted()
        queued = await outbox_repo.for_case(bot.services.db.conn, case.id)
        told = {m.recipient_id for m in queued}
        assert {world.officer, moved.id, staying.id, world.colleague} <= told

        # Before the run goes out: one officer is deactivated, another moved to Phuket.
        officers = bot.services.officers
        await officers.set_active(world.admin, world.officer, False)
        await officers.move(world.admin, moved.id, world.other_province)
        await deliver_due(bot.application.bot, bot.services)

        def heard_of_it(user_id: int) -> bool:
            return any(case.tracking_no in (m.text or "") for m in fake.messages(user_id))

        assert not heard_of_it(world.officer)
        assert not heard_of_it(moved.id)
        assert heard_of_it(staying.id) and heard_of_it(world.colleague)
        rows = {
            m.recipient_id: m for m in await outbox_repo.for_case(bot.services.db.conn, case.id)
        }
        for user_id in (world.officer, moved.id):
            assert rows[user_id].state == "failed" and rows[user_id].last_error
        assert rows[staying.id].state == "sent"
