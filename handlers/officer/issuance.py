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

import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import uploads
from bot.callbacks import Spec
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput, VersionConflict
from bot.runtime import BotContext
from bot.workflow import Action, WorkflowError
from handlers.officer import issuance_codes as codes
from handlers.officer import issuance_render as screens
from handlers.officer import pickup, signed_scan
from handlers.officer.access import END, Handler, Press, on_message, on_press
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.codes import pattern
from handlers.officer.issuance_draft import load, save
from handlers.officer.issuance_steps import ISSUANCE, allowed, saved, seen
from storage.models import User

logger = logging.getLogger(__name__)

_LAST_PACK = "officer_last_pack"
REPEAT_PACK_AFTER = dt.timedelta(seconds=30)
# A new message (not an edit) in the private chat.
_NEW = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


# ----- print pack, signing, completion ----------------------------------------------------------


def _just_sent(last: object, now: list[Any]) -> bool:
    """Whether the pack of this case at this version went out a moment ago."""
    if not isinstance(last, list) or len(last) != 3 or last[:2] != now[:2]:
        return False
    try:
        elapsed = dt.datetime.fromisoformat(now[2]) - dt.datetime.fromisoformat(str(last[2]))
    except ValueError:
        return False
    return elapsed < REPEAT_PACK_AFTER


async def print_press(press: Press) -> None:
    """Answer at once and build the pack in the background: PTB handles one update at a
    time, so awaiting the build here would hold up everyone else's presses meanwhile."""
    case_id = press.data.number(0)
    user_data = press.context.user_data
    assert user_data is not None
    view = await press.services.issuance.printable(press.user.id, case_id)
    asked = [case_id, view.case.version, press.services.clock().isoformat()]
    if _just_sent(user_data.get(_LAST_PACK), asked):
        # A double tap: the same case unchanged, moments ago. One file is enough.
        press.say(press.t.t("issuance.pack.preparing"))
        return
    user_data[_LAST_PACK] = asked
    press.say(press.t.t("issuance.pack.preparing"))
    press.context.application.create_task(
        _send_pack(press.context, press.t, press.user.id, case_id), update=press.update
    )


async def _send_pack(context: BotContext, t: Translator, user_id: int, case_id: int) -> None:
    bot = context.bot
    with contextlib.suppress(TelegramError):  # "sending a file..." is only a courtesy
        await bot.send_chat_action(user_id, ChatAction.UPLOAD_DOCUMENT)
    try:
        # Built in a worker thread: the event loop goes on serving others meanwhile.
        case, pdf = await context.services.issuance.print_pack(user_id, case_id)
    except WorkflowError as error:  # say, the case changed status since the press
        await bot.send_message(user_id, t.t(error.msg_id, **error.params))
        return
    except Exception:
        # No press is left to answer: tell the officer here; the trace goes to the log.
        logger.exception("print pack of case %s failed", case_id)
        await bot.send_message(user_id, t.t("common.something_went_wrong"))
        return
    await bot.send_document(
        user_id,
        pdf,
        filename=f"print-pack-{case.tracking_no}.pdf",
        caption=t.t("issuance.pack.caption", tracking_no=case.tracking_no),
    )


async def ask_press(press: Press) -> None:
    act, case_id, version = press.data.token(0), press.data.number(1), press.data.number(2)
    view = await seen(press, case_id, version)
    if view is None:
        return
    if act == codes.SIGN:
        allowed(view, Action.SEND_FOR_SIGNING)
        await press.edit(*screens.signing_summary(press.t, view.case))
    elif act == codes.DONE:
        allowed(view, Action.COMPLETE)
        done = await press.services.issuance.completion(press.user.id, case_id)
        await press.edit(*screens.completion_summary(press.t, done))
    else:
        raise InvalidInput(N_("common.stale_button"))


async def do_press(press: Press) -> None:
    act, case_id, version = press.data.token(0), press.data.number(1), press.data.number(2)
    issuing = press.services.issuing
    if act not in (codes.SIGN, codes.DONE):
        raise InvalidInput(N_("common.stale_button"))
    action = Action.SEND_FOR_SIGNING if act == codes.SIGN else Action.COMPLETE
    try:
        if act == codes.SIGN:
            await issuing.send_for_signing(press.user.id, case_id, version)
        else:
            await issuing.complete(press.user.id, case_id, version)
    except VersionConflict:
        await show_fresh(press, case_id)
        return
    await saved(press, case_id, action)


async def cancel_press(press: Press) -> object:
    save(press.context, None)
    await render_case(press, press.data.number(0), notice=press.t.t("officer.cancelled"))
    return END


async def ignore_press(press: Press) -> None:
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


def _press(
    fn: Callable[[Press], Awaitable[object]], spec: Spec
) -> CallbackQueryHandler[BotContext, object]:
    return CallbackQueryHandler(on_press(fn), pattern=pattern(spec))


def entry_points() -> list[BaseHandler[Update, BotContext, Any]]:
    """Presses that start or move the typing steps (part of the officer conversation)."""
    return [
        _press(pickup.calendar_press, codes.CALENDAR),
        _press(pickup.day_press, codes.DAY),
        _press(pickup.time_press, codes.TIME),
        _press(pickup.office_place_press, codes.OFFICE_PLACE),
        _press(pickup.no_note_press, codes.NO_NOTE),
        _press(pickup.save_pickup_press, codes.SAVE_PICKUP),
        _press(signed_scan.scan_press, codes.SCAN),
        _press(cancel_press, codes.CANCEL),
    ]


def states() -> dict[object, list[BaseHandler[Update, BotContext, Any]]]:
    typed: Handler = on_message(text_sent)
    return {
        ISSUANCE: [
            MessageHandler(_NEW & filters.TEXT & ~filters.COMMAND, typed),
            MessageHandler(
                _NEW & (filters.Document.ALL | filters.PHOTO), on_message(signed_scan.file_sent)
            ),
            MessageHandler(_NEW & ~filters.COMMAND, on_message(other_sent)),
        ]
    }


def handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Presses that need no typing; registered in ``bot.app``."""
    return [
        _press(print_press, codes.PRINT),
        _press(ask_press, codes.ASK),
        _press(do_press, codes.DO),
        _press(signed_scan.attach_press, codes.ATTACH),
        _press(ignore_press, codes.IGNORE),
        # Cancel pressed after the conversation ended still shows the case.
        _press(cancel_press, codes.CANCEL),
    ]
