"""What the three foundation wizards (registration, application, correction) do alike: typed
answers, choice and province buttons, province pages, and changing a field from the summary.

Each wizard describes itself with a ``WizardUI`` (its services and how it shows its current
step); ``field_handlers`` turns that into the handlers of its conversation state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler
from telegram.ext import filters as f

from bot.field_rules import FieldError
from bot.runtime import BotContext
from bot.services.wizard import FieldSpec, StaleStep, spec_of
from bot.workflow import WorkflowError
from handlers.foundation import buttons, render
from handlers.foundation.respond import done_with, message_of, pressed, refuse, stale, user_id

Shown = TypeVar("Shown")
Handler = BaseHandler[Update, BotContext, object]

# A new message (not an edit) in the private chat; commands go to their own handlers.
NEW_MESSAGE = f.ChatType.PRIVATE & f.UpdateType.MESSAGE
TYPED = NEW_MESSAGE & f.TEXT & ~f.COMMAND
FILE = NEW_MESSAGE & (f.Document.ALL | f.PHOTO)
ANYTHING_ELSE = NEW_MESSAGE & ~f.COMMAND & ~f.TEXT


@dataclass(frozen=True)
class WizardUI(Generic[Shown]):
    name: str
    """The wizard's token in callback data: "reg", "app" or "fix"."""
    specs: Sequence[FieldSpec]
    answer: Callable[[BotContext, int, str, str | None], Awaitable[Shown]]
    """Fill the asked field from typed text (field None) or a button (the field's key)."""
    edit: Callable[[BotContext, int, str], Awaitable[Shown]]
    back: Callable[[BotContext, int], Awaitable[Shown]]
    current: Callable[[BotContext, int], Awaitable[Shown]]
    show: Callable[[Update, BotContext, Shown, str | None], Awaitable[None]]
    """Send the current step (question, summary...), after an error text if given."""


def field_handlers(ui: WizardUI[Shown]) -> list[Handler]:
    async def typed(update: Update, context: BotContext) -> object:
        assert update.effective_message is not None
        uid = user_id(update)
        try:
            shown = await ui.answer(context, uid, update.effective_message.text or "", None)
        except FieldError as error:
            # A second chance: the reason, then the same question again.
            return await _show_again(ui, update, context, message_of(error, context))
        except WorkflowError as error:
            await refuse(update, context, error)
            return ConversationHandler.END
        await ui.show(update, context, shown, None)
        return None

    async def chosen(update: Update, context: BotContext) -> object:
        data = pressed(update, buttons.CHOICE)
        if data is None or data.token(0) != ui.name:
            await stale(update, context)
            return None
        uid = user_id(update)
        return await _act(
            ui, update, context, ui.answer(context, uid, data.token(2), data.token(1))
        )

    async def page(update: Update, context: BotContext) -> object:
        data = pressed(update, buttons.PROVINCE_PAGE)
        spec = spec_of(ui.specs, data.token(1)) if data else None
        query = update.callback_query
        if data is None or query is None or spec is None or spec.kind != "province":
            await stale(update, context)
            return None
        await query.answer()
        rows = render.province_rows(ui.name, spec.key, data.number(2), context.t)
        with contextlib.suppress(BadRequest):  # the page shown already: nothing to change
            await query.edit_message_reply_markup(render.keyboard(rows))
        return None

    async def edit(update: Update, context: BotContext) -> object:
        data = pressed(update, buttons.EDIT)
        if data is None:
            await stale(update, context)
            return None
        return await _act(ui, update, context, ui.edit(context, user_id(update), data.token(1)))

    async def fields(update: Update, context: BotContext) -> object:
        query = update.callback_query
        assert query is not None
        await query.answer()
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(render.fields_menu(ui.specs, ui.name, context.t))
        return None

    async def back(update: Update, context: BotContext) -> object:
        return await _act(ui, update, context, ui.back(context, user_id(update)))

    return [
        CallbackQueryHandler(chosen, pattern=buttons.pattern(buttons.CHOICE.prefix, ui.name)),
        CallbackQueryHandler(page, pattern=buttons.pattern(buttons.PROVINCE_PAGE.prefix, ui.name)),
        CallbackQueryHandler(edit, pattern=buttons.pattern(buttons.EDIT.prefix, ui.name)),
        CallbackQueryHandler(fields, pattern=buttons.pattern(buttons.FIELDS.prefix, ui.name)),
        CallbackQueryHandler(back, pattern=buttons.pattern(buttons.BACK.prefix, ui.name)),
        MessageHandler(TYPED, typed),
    ]


async def _act(
    ui: WizardUI[Shown], update: Update, context: BotContext, step: Awaitable[Shown]
) -> object:
    """Run a button's step; on success take the buttons off its message and show what next."""
    query = update.callback_query
    assert query is not None
    try:
        shown = await step
    except StaleStep:
        await stale(update, context)
        return None
    except FieldError as error:
        await refuse(update, context, error)
        return None
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    await ui.show(update, context, shown, None)
    return None


async def _show_again(
    ui: WizardUI[Shown], update: Update, context: BotContext, error: str
) -> object:
    try:
        shown = await ui.current(context, user_id(update))
    except WorkflowError as problem:
        await refuse(update, context, problem)
        return ConversationHandler.END
    await ui.show(update, context, shown, error)
    return None
