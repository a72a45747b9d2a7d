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
from telegram.ext import BaseHandler, MessageHandler
from telegram.ext import filters as f

from bot.field_rules import FieldError
from bot.runtime import BotContext
from bot.services.wizard import FieldSpec, StaleStep, spec_of
from handlers.foundation import render
from handlers.foundation.buttons import BackToSummary, Choice, EditField, Fields, ProvincePage
from handlers.respond import Press, message_of, on_message, on_press
from storage.models import User

Shown = TypeVar("Shown")
Handler = BaseHandler[Update, BotContext, object]

# A new message (not an edit) in the private chat; commands go to their own handlers.
NEW_MESSAGE = f.ChatType.PRIVATE & f.UpdateType.MESSAGE
TYPED = NEW_MESSAGE & f.TEXT & ~f.COMMAND
FILE = NEW_MESSAGE & (f.Document.ALL | f.PHOTO)
ANYTHING_ELSE = NEW_MESSAGE & ~f.COMMAND & ~f.TEXT


# Every wizard's own buttons; each wizard's feature lists them.
WIZARD_BUTTONS = (Choice, ProvincePage, EditField, Fields, BackToSummary)


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
    async def typed(update: Update, context: BotContext, user: User) -> object:
        assert update.effective_message is not None
        try:
            shown = await ui.answer(context, user.id, update.effective_message.text or "", None)
        except FieldError as error:
            # A second chance: the reason, then the same question again.
            shown = await ui.current(context, user.id)
            await ui.show(update, context, shown, message_of(error, context.t))
            return None
        await ui.show(update, context, shown, None)
        return None

    async def chosen(press: Press[Choice]) -> object:
        pressed = press.button
        return await _act(
            ui, press, ui.answer(press.context, press.user.id, pressed.value, pressed.field)
        )

    async def page(press: Press[ProvincePage]) -> object:
        spec = spec_of(ui.specs, press.button.field)
        if spec is None or spec.kind != "province":
            press.stale()
            return None
        rows = render.province_rows(ui.name, spec.key, press.button.page, press.t)
        with contextlib.suppress(BadRequest):  # the page shown already: nothing to change
            await press.query.edit_message_reply_markup(render.keyboard(rows))
        return None

    async def edit(press: Press[EditField]) -> object:
        return await _act(ui, press, ui.edit(press.context, press.user.id, press.button.field))

    async def fields(press: Press[Fields]) -> object:
        with contextlib.suppress(BadRequest):
            await press.query.edit_message_reply_markup(
                render.fields_menu(ui.specs, ui.name, press.t)
            )
        return None

    async def back(press: Press[BackToSummary]) -> object:
        return await _act(ui, press, ui.back(press.context, press.user.id))

    wizard = (ui.name,)
    return [
        on_press(Choice, chosen, leading=wizard),
        on_press(ProvincePage, page, leading=wizard),
        on_press(EditField, edit, leading=wizard),
        on_press(Fields, fields, leading=wizard),
        on_press(BackToSummary, back, leading=wizard),
        MessageHandler(TYPED, on_message(typed)),
    ]


async def _act(ui: WizardUI[Shown], press: Press[object], step: Awaitable[Shown]) -> object:
    """Run a button's step; on success take the buttons off its message and show what next.
    A refusal of this step alone (stale, or a value that does not fit) keeps the person in the
    wizard; any other refusal (``on_press``) ends it."""
    try:
        shown = await step
    except (StaleStep, FieldError) as error:
        press.refuse(error)
        return None
    await press.done()
    await ui.show(press.update, press.context, shown, None)
    return None
