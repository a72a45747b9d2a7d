"""The document checklist of a new application: files one item at a time, skipping optional
items, and replacing (or adding) a file from the summary."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, ConversationHandler, MessageHandler

from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.applications import DOCUMENTS
from bot.uploads import MAX_MEGABYTES, human_size
from handlers.foundation import render
from handlers.foundation.application_view import after_button, show
from handlers.foundation.buttons import APP, BackToSummary, DocumentsMenu, NextItem, ReplaceFile
from handlers.foundation.files import receive
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE
from handlers.respond import Press, message_of, on_message, on_press, say
from storage.models import User

Handler = BaseHandler[Update, BotContext, object]
_BUTTON_TEXT = 60


async def next_item(press: Press[NextItem]) -> object:
    draft = await press.services.applications.next_item(press.user.id)
    return await after_button(press, draft)


async def documents_menu(press: Press[DocumentsMenu]) -> object:
    """Which document to replace (or add), instead of the summary's buttons."""
    t, applications = press.t, press.services.applications
    summary = await applications.summary(press.user.id)
    if summary.draft.step != wizard.SUMMARY:
        press.stale()
        return None
    rows: render.Rows = []
    for item in applications.checklist.items:
        name = t.pick(th=item.name_th, en=item.name_en)
        files = sorted((a for a in summary.documents if a.item == item.key), key=lambda a: a.slot)
        for a in files:
            label = t.t("foundation.button.replace_file", name=name, file=a.file_name)
            rows.append([_short_button(label, ReplaceFile(item=item.key, slot=a.slot))])
        if not files or item.multiple:
            label = t.t("foundation.button.add_file", name=name)
            rows.append([_short_button(label, ReplaceFile(item=item.key, slot=len(files)))])
    rows.append([render.button(t.t("foundation.button.back"), BackToSummary(wizard=APP))])
    with contextlib.suppress(BadRequest):  # pressed twice: the list is shown already
        await press.query.edit_message_reply_markup(render.keyboard(rows))
    return None


def _short_button(label: str, pressed: ReplaceFile) -> InlineKeyboardButton:
    text = label if len(label) <= _BUTTON_TEXT else label[: _BUTTON_TEXT - 1] + "…"
    return render.button(text, pressed)


async def replace(press: Press[ReplaceFile]) -> object:
    pressed = press.button
    draft = await press.services.applications.replace(press.user.id, pressed.item, pressed.slot)
    return await after_button(press, draft)


async def file_sent(update: Update, context: BotContext, user: User) -> object:
    """A document or photo: only taken while the checklist is being filled."""
    uid = user.id
    applications = context.services.applications
    draft = await applications.current(uid)
    if draft is None:
        await say(update, context.t.t("foundation.apply.no_draft"))
        return ConversationHandler.END
    if draft.step != DOCUMENTS:
        # Checked before anything is fetched: a file sent at the wrong moment is not downloaded.
        await show(update, context, draft, context.t.t("foundation.error.file_not_now"))
        return None
    try:
        meta = await receive(update, context)
        draft, attachment = await applications.add_file(uid, meta)
    except FieldError as error:
        await show(update, context, draft, message_of(error, context.t))
        return None
    except wizard.StaleStep:
        await show(update, context, draft, context.t.t("foundation.error.file_not_now"))
        return None
    note = context.t.t(
        "foundation.apply.file_received",
        name=attachment.file_name,
        size=human_size(attachment.size),
    )
    await show(update, context, draft, note)
    return None


async def other_sent(update: Update, context: BotContext, user: User) -> object:
    """A sticker, voice note, video...: not an answer to anything the wizard asks."""
    draft = await context.services.applications.current(user.id)
    if draft is None:
        return ConversationHandler.END
    expected = (
        N_("foundation.error.file_type")
        if draft.step == DOCUMENTS
        else N_("foundation.error.text_expected")
    )
    await show(update, context, draft, context.t.t(expected, limit=MAX_MEGABYTES))
    return None


BUTTONS = (NextItem, DocumentsMenu, ReplaceFile)


def handlers() -> list[Handler]:
    """Part of the application's conversation state."""
    return [
        # Refused (stale, or no longer a member): the person stays where they were.
        on_press(NextItem, next_item, refused=None),
        on_press(DocumentsMenu, documents_menu, refused=None),
        on_press(ReplaceFile, replace, refused=None),
        MessageHandler(FILE, on_message(file_sent)),
        MessageHandler(ANYTHING_ELSE, on_message(other_sent)),
    ]
