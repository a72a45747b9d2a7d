"""The case screen: open it (from a list, a search or a notification), refresh it, read the
whole timeline, and open an attachment, which sends the file itself to read on the phone."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.errors import InvalidInput
from handlers.feature import Feature
from handlers.officer.buttons import OpenCase, OpenFile, ShowCase, Timeline
from handlers.officer.case_render import (
    attachment_markup,
    attachment_text,
    case_markup,
    case_text,
    timeline_chunks,
)
from handlers.officer.render import button, item_name
from handlers.respond import Access, Press, on_press
from storage.models import Attachment, OutboxMessage

logger = logging.getLogger(__name__)


async def render_case(
    press: Press[Any], case_id: int, *, notice: str | None = None, new: bool = False
) -> None:
    """The case as it is now, in place of the pressed message (or as a new one)."""
    checklist = press.services.checklist
    view = await press.services.officers.case_view(press.user.id, case_id)
    text = case_text(press.t, checklist, view, notice)
    markup = case_markup(press.t, checklist, view)
    if new:
        await press.send(text, markup)
    else:
        await press.edit(text, markup)


async def show_fresh(press: Press[Any], case_id: int) -> None:
    """After a version conflict: say why, and show the case as it is now.

    A double tap (or an older screen of the same officer) is not a colleague's change: the
    person is told their change is already saved rather than warned.
    """
    view = await press.services.officers.case_view(press.user.id, case_id)
    own = view.last_change_by(press.user.id)
    notice = press.t.t(N_("officer.already_saved") if own else N_("common.conflict"))
    press.say(notice, alert=not own)
    await render_case(press, case_id, notice=notice)


async def open_press(press: Press[OpenCase]) -> None:
    await render_case(press, press.button.case, new=True)


async def show_press(press: Press[ShowCase]) -> None:
    await render_case(press, press.button.case)


async def timeline_press(press: Press[Timeline]) -> None:
    view = await press.services.officers.case_view(press.user.id, press.button.case)
    for chunk in timeline_chunks(press.t, press.services.checklist, view):
        await press.send(chunk)


async def _send_document(press: Press[OpenFile], attachment: Attachment, caption: str) -> None:
    """By Telegram file id when we have one; the stored copy when not, or when refused."""
    bot, chat = press.context.bot, press.user.id
    if attachment.telegram_file_id:
        try:
            await bot.send_document(chat, attachment.telegram_file_id, caption=caption)
            return
        except BadRequest as error:
            logger.info(
                "attachment %s: file id refused (%s); sending our copy", attachment.id, error
            )
    try:
        data = await asyncio.to_thread(press.services.files.get, attachment.sha256)
    except OSError:
        logger.exception("attachment %s: stored copy unreadable", attachment.id)
        raise InvalidInput(N_("officer.error.file_unavailable")) from None
    await bot.send_document(chat, data, filename=attachment.file_name, caption=caption)


async def file_press(press: Press[OpenFile]) -> None:
    officers, checklist, pressed = press.services.officers, press.services.checklist, press.button
    av = await officers.attachment(press.user.id, pressed.case, pressed.attachment)
    caption = press.t.t(
        "officer.file.caption",
        tracking_no=av.case.tracking_no,
        item=item_name(checklist, av.attachment.item, press.t),
        revision=av.attachment.revision,
    )
    await _send_document(press, av.attachment, caption)
    await press.send(attachment_text(press.t, checklist, av), attachment_markup(press.t, av))


def open_case_button(message: OutboxMessage, t: Translator) -> InlineKeyboardMarkup | None:
    """ "Open case" under every notification to officers about a case."""
    if message.case_id is None or not message.msg_id.startswith("notify.officer."):
        return None
    label = t.t("officer.button.open_case")
    return InlineKeyboardMarkup([[button(label, OpenCase(case=message.case_id))]])


def feature() -> Feature:
    staff = Access.STAFF
    return Feature(
        name="officer_case",
        buttons=(OpenCase, ShowCase, Timeline, OpenFile),
        handlers=[
            on_press(OpenCase, open_press, access=staff),
            on_press(ShowCase, show_press, access=staff),
            on_press(Timeline, timeline_press, access=staff),
            on_press(OpenFile, file_press, access=staff),
        ],
        notification_buttons={"officer_open_case": open_case_button},
    )
