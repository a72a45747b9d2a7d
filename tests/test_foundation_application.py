"""A member applies for a volunteer's certificate from chat: details with mistakes on the way,
the consent, the documents (some refused), a restart in the middle, the summary, submission."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.services.applications import APPLICATION
from bot.testing.fake_telegram import FakeTelegram
from bot.testing.harness import BotUnderTest
from bot.workflow import Status
from storage import attachments as attachments_repo
from storage import cases as cases_repo
from storage import drafts as drafts_repo
from storage import events as events_repo
from storage import outbox as outbox_repo
from tests.conftest import World, seed_world
from tests.foundation_steps import (
    JPEG,
    PDF,
    PNG,
    choose_province,
    command,
    dmy,
    last,
    last_text,
    press,
    say,
    send_file,
    today,
    tr,
    volunteer_answers,
)

BIG = 25 * 1024 * 1024


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


async def test_a_full_submission_with_refused_files_and_a_restart(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world: World = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.foundations.accept_privacy(world.member)
        user = fake.user(world.member, "Anna", language_code="en")
        t = tr(bot, "en")
        answers = volunteer_answers(bot)
        now = today(bot)

        text = await command(bot, user, "start")
        await press(bot, user, t.t("foundation.button.new_application"))
        text = last_text(user)
        assert t.t("foundation.ask.full_name") in text

        # Each field refuses what does not fit, says why, and asks again.
        text = await say(bot, user, "Анна Шмидт")
        assert text.startswith(t.t("foundation.error.passport_name"))
        assert t.t("foundation.ask.full_name") in text
        await say(bot, user, answers["full_name"])
        await say(bot, user, answers["nationality"])
        assert t.t("foundation.error.passport_number") in await say(bot, user, "12")
        await say(bot, user, answers["passport_no"])
        assert t.t("foundation.error.date_format") in await say(bot, user, "next year")
        assert t.t("foundation.error.no_such_date") in await say(bot, user, "31/02/2031")
        yesterday = now - timedelta(days=1)
        text = await say(bot, user, dmy(yesterday))
        assert t.t("foundation.error.passport_expired", expiry=yesterday) in text
        # The passport expires 200 days from now: fine for now, checked again at the end date.
        short_expiry = now + timedelta(days=200)
        await say(bot, user, dmy(short_expiry))
        await say(bot, user, answers["date_of_birth"])
        await press(bot, user, t.t("foundation.sex.f"))
        await say(bot, user, answers["email"])
        await say(bot, user, answers["position"])
        await say(bot, user, answers["duties"])
        await say(bot, user, answers["work_address"])
        await choose_province(bot, user, "Chiang Mai", t)
        await say(bot, user, answers["start_date"])
        start = now + timedelta(days=30)
        assert t.t("foundation.error.end_before_start", start=start, end=start) in await say(
            bot, user, dmy(start)
        )
        too_late = start + timedelta(days=400)
        assert t.t(
            "foundation.error.period_too_long",
            start=start,
            latest=start.replace(year=start.year + 1),
        ) in await say(bot, user, dmy(too_late))
        end = start + timedelta(days=300)
        text = await say(bot, user, dmy(end))
        assert t.t("foundation.error.passport_ends_early", expiry=short_expiry, end=end) in text
        # Shorten the period to fit the passport.
        end = short_expiry - timedelta(days=1)
        await say(bot, user, dmy(end))
        text = await press(bot, user, t.t("foundation.answer.no"))

        # The consent declaration comes before any document.
        assert text == t.t("foundation.apply.consent")
        text = await send_file(bot, user, PDF, "letter.pdf")
        assert t.t("foundation.error.file_not_now") in text
        assert fake.calls("getFile") == []
        text = await press(bot, user, t.t("foundation.button.consent"))
        first = bot.services.checklist.items[0]
        assert first.name_en in text

        # Refused: text, a Word file, an oversize file (never fetched), a fake PDF, a sticker,
        # an empty file.
        assert t.t("foundation.error.file_expected") in await say(bot, user, "here it is")
        text = await send_file(
            bot,
            user,
            b"PK\x03\x04 word",
            "letter.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        assert text.startswith(t.t("foundation.error.file_type")) and first.name_en in text
        await user.send_raw(
            {
                "document": {
                    "file_id": "BQACfake-oversize",
                    "file_unique_id": "oversize1",
                    "file_size": BIG,
                    "file_name": "scan.pdf",
                    "mime_type": "application/pdf",
                }
            }
        )
        await bot.settle()
        assert last_text(user).startswith(t.t("foundation.error.file_too_big", limit=20))
        assert fake.calls("getFile") == [], "an oversize file must not be fetched"
        text = await send_file(bot, user, b"MZ\x90\x00 not a pdf", "letter.pdf", "application/pdf")
        assert text.startswith(t.t("foundation.error.file_content_mismatch"))
        await user.send_sticker()
        await bot.settle()
        assert last_text(user).startswith(t.t("foundation.error.file_type"))
        text = await send_file(bot, user, b"", "empty.pdf", "application/pdf")
        assert text.startswith(t.t("foundation.error.file_empty"))
        assert len(fake.calls("getFile")) == 1, "only the fake PDF was fetched, once"
        db = bot.services.db
        draft = await drafts_repo.load(db.conn, world.member, APPLICATION)
        assert draft is not None and draft.data["case_id"] is not None
        case_id = int(draft.data["case_id"])
        assert await attachments_repo.current(db.conn, case_id) == []

        # Accepted: a PDF, and a photo for the second item.
        text = await send_file(bot, user, PDF, "letter.pdf")
        assert t.t("foundation.apply.file_received", name="letter.pdf", size="1 KB") in text
        await user.send_photo(JPEG)
        await bot.settle()
        stored = await attachments_repo.current(db.conn, case_id)
        assert {(a.item, a.mime_type) for a in stored} == {
            (first.key, "application/pdf"),
            (bot.services.checklist.items[1].key, "image/jpeg"),
        }
        letter = next(a for a in stored if a.item == first.key)
        assert bot.services.files.get(letter.sha256) == PDF
        third = bot.services.checklist.items[2]
        assert third.name_en in last_text(user)

    # Telegram closed, the bot restarted: the person carries on where they were.
    async with BotUnderTest.start(fake, tmp_path) as bot:
        # The next file goes straight to the item that was being asked...
        text = await send_file(bot, user, PNG, "rules.png")
        fourth = bot.services.checklist.items[3]
        assert "rules.png" in text and fourth.name_en in text
        # ... and /continue shows that same place again.
        text = await command(bot, user, "continue")
        assert text.startswith(t.t("foundation.apply.resumed")) and fourth.name_en in text
        # A required document cannot be skipped.
        assert t.t("foundation.button.skip") not in last(user).button_texts
        for item in bot.services.checklist.items[3:]:
            if item.required:
                await send_file(bot, user, PDF + item.key.encode(), f"{item.key}.pdf")
            else:
                await press(bot, user, t.t("foundation.button.skip"))
        summary = last_text(user)

        # Every field and every document is on the summary.
        assert "ANNA MARIA SCHMIDT" in summary and "C01X00T47" in summary
        assert t.date(end) in summary and "Chiang Mai" in summary
        assert "letter.pdf" in summary and "rules.png" in summary
        assert t.t("foundation.document.not_attached") in summary

        # Replace one document and change one field from the summary.
        await press(bot, user, t.t("foundation.button.change_document"))
        label = t.t("foundation.button.replace_file", name=first.name_en, file="letter.pdf")
        await press(bot, user, label[:59] + "…" if len(label) > 60 else label)
        await send_file(bot, user, PDF + b"v2", "letter-v2.pdf")
        assert "letter-v2.pdf" in last_text(user)
        await press(bot, user, t.t("foundation.button.change_detail"))
        await press(bot, user, t.t("foundation.field.position"))
        summary = await say(bot, user, "Music teacher")
        assert "Music teacher" in summary

        case = await cases_repo.get(bot.services.db.conn, case_id)
        assert case is not None and case.status is Status.DRAFT and case.province == "50"
        await press(bot, user, t.t("foundation.button.submit"))
        case = await cases_repo.get(bot.services.db.conn, case_id)
        assert case is not None and case.status is Status.AWAITING_CHECK
        assert last_text(user) == t.t(
            "foundation.apply.submitted",
            tracking_no=case.tracking_no,
            volunteer=case.volunteer_name,
        )
        assert case.details["position"] == "Music teacher"
        assert case.details["consent_by"] == world.member and case.details["consent_at"]
        revisions = [a for a in await attachments_repo.history(bot.services.db.conn, case_id)]
        assert [a.revision for a in revisions if a.item == first.key] == [1, 2]
        # The province's officers are told through the outbox; the draft is gone.
        queued = await outbox_repo.for_case(bot.services.db.conn, case_id)
        assert {m.recipient_id for m in queued if m.kind == "new_case"} == {world.officer}
        assert await drafts_repo.load(bot.services.db.conn, world.member, APPLICATION) is None
        assert (await events_repo.latest(bot.services.db.conn, case_id, "submit")) is not None

        # Pressing Submit again changes nothing.
        before = len(user.answered_callbacks)
        await user.press_data(f"fay:{case.id}:{case.version - 1}", last(user).message_id)
        await bot.settle()
        assert len(user.answered_callbacks) == before + 1
        again = await cases_repo.get(bot.services.db.conn, case_id)
        assert again is not None and again.version == case.version


async def test_a_new_application_while_one_is_unfinished_offers_to_continue(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with BotUnderTest.start(fake, tmp_path) as bot:
        world = await seed_world(bot.services.db, bot.services.clock())
        await bot.services.foundations.accept_privacy(world.member)
        user = fake.user(world.member, "สมหญิง", language_code="th")
        t = tr(bot, "th")
        await command(bot, user, "new")
        await say(bot, user, "SOMYING DOE")
        text = await command(bot, user, "new")
        assert text == t.t("foundation.apply.draft_exists")
        text = await press(bot, user, t.t("foundation.button.continue_application"))
        assert t.t("foundation.ask.nationality") in text
        await command(bot, user, "new")
        text = await press(bot, user, t.t("foundation.button.discard_and_new"))
        assert t.t("foundation.ask.full_name") in text
        # Dates in Thai may be typed in the Buddhist era.
        await say(bot, user, "SOMYING DOE")
        await say(bot, user, "Lao")
        await say(bot, user, "P1234567")
        expiry = today(bot).replace(year=today(bot).year + 3)
        text = await say(bot, user, f"{expiry.day}/{expiry.month}/{expiry.year + 543}")
        assert t.t("foundation.ask.date_of_birth") in text
        draft = await drafts_repo.load(bot.services.db.conn, world.member, APPLICATION)
        assert draft is not None and draft.data["form"]["passport_expiry"] == expiry.isoformat()
        # /cancel keeps the draft; /continue comes back to the same question.
        assert await command(bot, user, "cancel") == t.t("foundation.cancelled")
        text = await command(bot, user, "continue")
        assert t.t("foundation.ask.date_of_birth") in text
