"""The document checklist of a new application: files one item at a time, skipping optional
items, and replacing (or adding) a file from the summary."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.callbacks import Spec
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.applications import DOCUMENTS
from bot.uploads import MAX_MEGABYTES, human_size
from bot.workflow import WorkflowError
from handlers.foundation import buttons, render
from handlers.foundation.application_view import after_button, show
from handlers.foundation.files import receive
from handlers.foundation.respond import message_of, pressed, refuse, say, stale, user_id
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE

Handler = BaseHandler[Update, BotContext, object]
_BUTTON_TEXT = 60


async def next_item(update: Update, context: BotContext) -> object:
    try:
        draft = await context.services.applications.next_item(user_id(update))
    except wizard.StaleStep:
        await stale(update, context)
        return None
    except (FieldError, WorkflowError) as error:
        await refuse(update, context, error)
        return None
    return await after_button(update, context, draft)


async def documents_menu(update: Update, context: BotContext) -> object:
    """Which document to replace (or add), instead of the summary's buttons."""
    query = update.callback_query
    assert query is not None
    t = context.t
    summary = await context.services.applications.summary(user_id(update))
    if summary.draft.step != wizard.SUMMARY:
        await stale(update, context)
        return None
    rows: render.Rows = []
    for item in context.services.applications.checklist.items:
        name = item.name(t.lang)
        files = sorted((a for a in summary.documents if a.item == item.key), key=lambda a: a.slot)
        for a in files:
            label = t.t("foundation.button.replace_file", name=name, file=a.file_name)
            rows.append([_short_button(label, buttons.APPLY_REPLACE, item.key, a.slot)])
        if not files or item.multiple:
            label = t.t("foundation.button.add_file", name=name)
            rows.append([_short_button(label, buttons.APPLY_REPLACE, item.key, len(files))])
    rows.append([render.button(t.t("foundation.button.back"), buttons.BACK, buttons.APP)])
    await query.answer()
    with contextlib.suppress(BadRequest):  # pressed twice: the list is shown already
        await query.edit_message_reply_markup(render.keyboard(rows))
    return None


def _short_button(label: str, spec: Spec, item: str, slot: int) -> InlineKeyboardButton:
    text = label if len(label) <= _BUTTON_TEXT else label[: _BUTTON_TEXT - 1] + "…"
    return render.button(text, spec, item, slot)


async def replace(update: Update, context: BotContext) -> object:
    data = pressed(update, buttons.APPLY_REPLACE)
    if data is None:
        await stale(update, context)
        return None
    try:
        draft = await context.services.applications.replace(
            user_id(update), data.token(0), data.number(1)
        )
    except wizard.StaleStep:
        await stale(update, context)
        return None
    except WorkflowError as error:
        await refuse(update, context, error)
        return None
    return await after_button(update, context, draft)


async def file_sent(update: Update, context: BotContext) -> object:
    """A document or photo: only taken while the checklist is being filled."""
    uid = user_id(update)
    applications = context.services.applications
    try:
        draft = await applications.current(uid)
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
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
        await show(update, context, draft, message_of(error, context))
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


async def other_sent(update: Update, context: BotContext) -> object:
    """A sticker, voice note, video...: not an answer to anything the wizard asks."""
    uid = user_id(update)
    try:
        draft = await context.services.applications.current(uid)
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    if draft is None:
        return ConversationHandler.END
    expected = (
        N_("foundation.error.file_type")
        if draft.step == DOCUMENTS
        else N_("foundation.error.text_expected")
    )
    await show(update, context, draft, context.t.t(expected, limit=MAX_MEGABYTES))
    return None


def handlers() -> list[Handler]:
    """Part of the application's conversation state."""
    return [
        CallbackQueryHandler(next_item, pattern=buttons.pattern(buttons.APPLY_NEXT_ITEM.prefix)),
        CallbackQueryHandler(
            documents_menu, pattern=buttons.pattern(buttons.APPLY_DOCUMENTS.prefix)
        ),
        CallbackQueryHandler(replace, pattern=buttons.pattern(buttons.APPLY_REPLACE.prefix)),
        MessageHandler(FILE, file_sent),
        MessageHandler(ANYTHING_ELSE, other_sent),
    ]
