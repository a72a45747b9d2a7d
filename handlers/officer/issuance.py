"""Issuance from the case screen (manual, step 7): the print pack, "sent for signing", and
completing the case; the pickup appointment is in ``pickup``, the signed scan in
``signed_scan``. This module wires all three.

Every change shows a summary first and saves only when confirmed; the confirming button
carries the version the officer saw, so a double tap or a colleague's change in between saves
nothing twice and shows the case as it is now. Typing (a place, a note) and the scan happen in
the officer conversation of ``review_input``: ``entry_points`` and ``states`` plug in there,
and ``handlers`` are the buttons that need no typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import Any

from pydantic import AwareDatetime
from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, MessageHandler, filters

from bot import uploads
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.issuance.parts import PageTooLarge, split_pack
from bot.kernel.errors import InvalidInput, VersionConflict
from bot.runtime import BotContext
from bot.workflow import Action, WorkflowError
from handlers import inflight
from handlers.feature import Feature
from handlers.officer import issuance_render as screens
from handlers.officer import pickup, signed_scan
from handlers.officer.buttons import (
    DONE,
    SIGN,
    AskIssuance,
    AskScan,
    AttachScan,
    CancelIssuance,
    DoIssuance,
    Ignore,
    NoNote,
    OfficePlace,
    PickupCalendar,
    PickupDay,
    PickupTime,
    PrintPack,
    SavePickup,
)
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.issuance_draft import load, save
from handlers.officer.issuance_steps import ISSUANCE, allowed, saved, seen
from handlers.officer.review_input import OFFICER
from handlers.respond import END, Access, Handler, Press, on_message, on_press
from storage.models import User

logger = logging.getLogger(__name__)

REPEAT_PACK_AFTER = dt.timedelta(seconds=30)
# A new message (not an edit) in the private chat.
_NEW = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


# ----- print pack, signing, completion ----------------------------------------------------------


class LastPack(inflight.Step):
    """The print pack asked for last: which case, at which version, when."""

    key = "officer_last_pack"
    case: int
    version: int
    at: AwareDatetime


async def print_press(press: Press[PrintPack]) -> None:
    """Answer at once and build the pack in the background: PTB handles one update at a
    time, so awaiting the build here would hold up everyone else's presses meanwhile."""
    case_id = press.button.case
    view = await press.services.issuance.printable(press.user.id, case_id)
    asked = LastPack(case=case_id, version=view.case.version, at=press.services.clock())
    last = inflight.load(press.context, LastPack)
    press.say(press.t.t("issuance.pack.preparing"))
    if (
        last is not None
        and (last.case, last.version) == (asked.case, asked.version)
        and asked.at - last.at < REPEAT_PACK_AFTER
    ):
        return  # a double tap: the same case unchanged, moments ago. One file is enough.
    inflight.save(press.context, asked)
    press.context.application.create_task(
        _send_pack(press.context, press.t, press.user.id, case_id), update=press.update
    )


async def _send_pack(context: BotContext, t: Translator, user_id: int, case_id: int) -> None:
    bot = context.bot
    with contextlib.suppress(TelegramError):  # "sending a file..." is only a courtesy
        await bot.send_chat_action(user_id, ChatAction.UPLOAD_DOCUMENT)
    try:
        # Built in a worker thread: the event loop goes on serving others meanwhile.
        case, pdf, word = await context.services.issuance.print_pack(user_id, case_id, t)
    except WorkflowError as error:  # say, the case changed status since the press
        await bot.send_message(user_id, t.t(error.msg_id, **error.params))
        return
    except Exception:
        # No press is left to answer: tell the officer here; the trace goes to the log.
        logger.exception("print pack of case %s failed", case_id)
        await bot.send_message(user_id, t.t("printpack.error.build_failed"))
        return
    try:
        await _send_pack_files(context, t, user_id, case.tracking_no, pdf, word)
    except TelegramError as error:
        logger.warning("print pack of case %s not sent: %s", case_id, error)
        await bot.send_message(user_id, t.t("printpack.error.send_failed", reason=error.message))


async def _send_pack_files(
    context: BotContext,
    t: Translator,
    user_id: int,
    tracking_no: str,
    pdf: bytes,
    word: bytes,
) -> None:
    """The PDF (in numbered parts if over the Bot API's upload limit), then the ``.docx``."""
    bot, name = context.bot, f"print-pack-{tracking_no}"
    megabytes = context.services.settings.upload_limit_mb
    try:
        parts = await asyncio.to_thread(split_pack, pdf, megabytes * 1_000_000)
    except PageTooLarge as error:
        size, most = uploads.human_size(error.size), f"{megabytes} MB"
        text = t.t("printpack.error.page_too_large", page=error.page, size=size, limit=most)
        await bot.send_message(user_id, text)
        parts = []
    if len(parts) == 1:
        caption = t.t("issuance.pack.caption", tracking_no=tracking_no)
        await bot.send_document(user_id, pdf, filename=f"{name}.pdf", caption=caption)
    for number, part in enumerate(parts if len(parts) > 1 else [], start=1):
        caption = t.t(
            "printpack.parts",
            tracking_no=tracking_no,
            part=number,
            parts=len(parts),
            first=part.first_page,
            last=part.last_page,
        )
        filename = f"{name}-part{number}of{len(parts)}.pdf"
        await bot.send_document(user_id, part.data, filename=filename, caption=caption)
    caption = t.t("printpack.docx_caption", tracking_no=tracking_no)
    await bot.send_document(user_id, word, filename=f"{name}.docx", caption=caption)


async def ask_press(press: Press[AskIssuance]) -> None:
    act, case_id, version = press.button.act, press.button.case, press.button.version
    view = await seen(press, case_id, version)
    if view is None:
        return
    if act == SIGN:
        allowed(view, Action.SEND_FOR_SIGNING)
        await press.edit(*screens.signing_summary(press.t, view.case))
    elif act == DONE:
        allowed(view, Action.COMPLETE)
        done = await press.services.issuance.completion(press.user.id, case_id)
        await press.edit(*screens.completion_summary(press.t, done))
    else:
        raise InvalidInput(N_("common.stale_button"))


async def do_press(press: Press[DoIssuance]) -> None:
    act, case_id, version = press.button.act, press.button.case, press.button.version
    issuing = press.services.issuing
    if act not in (SIGN, DONE):
        raise InvalidInput(N_("common.stale_button"))
    action = Action.SEND_FOR_SIGNING if act == SIGN else Action.COMPLETE
    try:
        if act == SIGN:
            await issuing.send_for_signing(press.user.id, case_id, version)
        else:
            await issuing.complete(press.user.id, case_id, version)
    except VersionConflict:
        await show_fresh(press, case_id)
        return
    await saved(press, case_id, action)


async def cancel_press(press: Press[CancelIssuance]) -> object:
    save(press.context, None)
    await render_case(press, press.button.case, notice=press.t.t("officer.cancelled"))
    return END


async def ignore_press(press: Press[Ignore]) -> None:
    """A calendar label (weekday, empty cell): nothing to do, but the press is answered."""


# ----- typing -----------------------------------------------------------------------------------


async def text_sent(update: Update, context: BotContext, user: User) -> object:
    message = update.effective_message
    assert message is not None and message.text is not None
    t = context.t
    draft = load(context)
    if draft is None or draft.expects in ("confirm", "send"):
        await message.reply_text(t.t("common.not_understood"))
        return END
    if draft.expects == "date":
        await message.reply_text(t.t("issuance.error.use_buttons"))
        return ISSUANCE
    if draft.expects == "scan":
        await message.reply_text(t.t("foundation.error.file_expected"))
        return ISSUANCE
    return await pickup.typed(message, context, user, draft)


async def other_sent(update: Update, context: BotContext, user: User) -> object:
    """A sticker, voice note...: say what is expected now."""
    assert update.effective_message is not None
    draft = load(context)
    expected = (
        N_("foundation.error.file_type")
        if draft is not None and draft.expects == "scan"
        else N_("officer.error.expected_text")
    )
    await update.effective_message.reply_text(context.t.t(expected, limit=uploads.MAX_MEGABYTES))
    return ISSUANCE


# ----- wiring -----------------------------------------------------------------------------------


STAFF = Access.STAFF


def feature() -> Feature:
    return Feature(
        name="officer_issuance",
        buttons=(
            PrintPack,
            AskIssuance,
            DoIssuance,
            PickupCalendar,
            PickupDay,
            PickupTime,
            OfficePlace,
            NoNote,
            SavePickup,
            AskScan,
            AttachScan,
            CancelIssuance,
            Ignore,
        ),
        handlers=handlers(),
        conversation=OFFICER,
        entry_points=entry_points(),
        states=states(),
    )


def entry_points() -> list[BaseHandler[Update, BotContext, Any]]:
    """Presses that start or move the typing steps (part of the officer conversation)."""
    return [
        on_press(PickupCalendar, pickup.calendar_press, access=STAFF),
        on_press(PickupDay, pickup.day_press, access=STAFF),
        on_press(PickupTime, pickup.time_press, access=STAFF),
        on_press(OfficePlace, pickup.office_place_press, access=STAFF),
        on_press(NoNote, pickup.no_note_press, access=STAFF),
        on_press(SavePickup, pickup.save_pickup_press, access=STAFF),
        on_press(AskScan, signed_scan.scan_press, access=STAFF),
        on_press(CancelIssuance, cancel_press, access=STAFF),
    ]


def states() -> dict[object, list[BaseHandler[Update, BotContext, Any]]]:
    typed: Handler = on_message(text_sent, access=STAFF)
    return {
        ISSUANCE: [
            MessageHandler(_NEW & filters.TEXT & ~filters.COMMAND, typed),
            MessageHandler(
                _NEW & (filters.Document.ALL | filters.PHOTO),
                on_message(signed_scan.file_sent, access=STAFF),
            ),
            MessageHandler(_NEW & ~filters.COMMAND, on_message(other_sent, access=STAFF)),
        ]
    }


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Presses that need no typing."""
    return [
        on_press(PrintPack, print_press, access=STAFF),
        on_press(AskIssuance, ask_press, access=STAFF),
        on_press(DoIssuance, do_press, access=STAFF),
        on_press(AttachScan, signed_scan.attach_press, access=STAFF),
        on_press(Ignore, ignore_press, access=STAFF),
        # Cancel pressed after the conversation ended still shows the case.
        on_press(CancelIssuance, cancel_press, access=STAFF),
    ]
