"""Registering a foundation or association: one field at a time, a summary to check and
change, and only the confirmation creates it (the person becomes its first member)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.field_rules import FieldError
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.foundation_form import FOUNDATION_FIELDS
from bot.services.foundations import PrivacyRequired, RegistrationDraft
from bot.workflow import Role
from handlers.feature import Feature
from handlers.foundation import render, states
from handlers.foundation.buttons import REG, ConfirmRegistration, Fields, Register
from handlers.foundation.menu import member_home
from handlers.foundation.privacy import THEN_REGISTER, show_notice
from handlers.foundation.wizard_ui import (
    ANYTHING_ELSE,
    FILE,
    WIZARD_BUTTONS,
    WizardUI,
    field_handlers,
)
from handlers.menus import set_menu_for
from handlers.respond import Press, buttons_used, on_message, on_press, say, user_id
from storage.models import User


async def begin(update: Update, context: BotContext) -> object:
    """Start registering, or carry on where the person left off. A refusal (say, a member
    of a foundation already) is raised, for ``on_press`` / ``on_message`` to tell."""
    try:
        draft = await context.services.foundations.registration(user_id(update))
    except PrivacyRequired:
        draft = None
    await buttons_used(update)
    if draft is None:
        await show_notice(update, context, THEN_REGISTER)
        return ConversationHandler.END
    await show(update, context, draft, None)
    return states.REGISTERING


async def register_pressed(press: Press[Register]) -> object:
    return await begin(press.update, press.context)


async def show(
    update: Update, context: BotContext, draft: RegistrationDraft, error: str | None
) -> None:
    t = context.t
    spec = wizard.spec_of(FOUNDATION_FIELDS, draft.step)
    if spec is None:
        lines = render.form_lines(FOUNDATION_FIELDS, draft.form, t)
        text = t.t("foundation.register.summary", fields="\n".join(lines))
        rows: render.Rows = [
            [render.button(t.t("foundation.button.register_confirm"), ConfirmRegistration())],
            [render.button(t.t("foundation.button.change_detail"), Fields(wizard=REG))],
        ]
    else:
        text = render.question(spec, FOUNDATION_FIELDS, t)
        rows = render.field_rows(spec, REG, t)
    if error:
        text = error + "\n\n" + text
    await say(update, text, render.keyboard(rows))


async def confirm(press: Press[ConfirmRegistration]) -> object:
    uid = press.user.id
    try:
        foundation = await press.services.foundations.register(uid)
    except (wizard.StaleStep, FieldError) as error:
        press.refuse(error)  # the summary stays, to change and confirm again
        return None
    await press.done()
    t = press.t
    await set_menu_for(press.context.bot, uid, Role.MEMBER, t)
    name = t.pick(th=foundation.name_th, en=foundation.name_en or foundation.name_th)
    await press.send(t.t("foundation.register.done", foundation=name))
    await member_home(press.update, press.context)
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext, user: User) -> object:
    """A file, sticker or the like where a typed answer or a button is expected."""
    draft = await context.services.foundations.registration(user.id)
    await show(update, context, draft, context.t.t("foundation.error.text_expected"))
    return None


def _ui() -> WizardUI[RegistrationDraft]:
    async def answer(
        context: BotContext, uid: int, raw: str, field: str | None
    ) -> RegistrationDraft:
        return await context.services.foundations.registration_answer(uid, raw, field)

    async def edit(context: BotContext, uid: int, key: str) -> RegistrationDraft:
        return await context.services.foundations.registration_edit(uid, key)

    async def current(context: BotContext, uid: int) -> RegistrationDraft:
        return await context.services.foundations.registration(uid)

    return WizardUI(
        name=REG,
        specs=FOUNDATION_FIELDS,
        answer=answer,
        edit=edit,
        back=current,
        current=current,
        show=show,
    )


def feature() -> Feature:
    return Feature(
        name="foundation_registration",
        buttons=(Register, ConfirmRegistration, *WIZARD_BUTTONS),
        conversation=states.FOUNDATION,
        entry_points=[on_press(Register, register_pressed)],
        states={
            states.REGISTERING: [
                *field_handlers(_ui()),
                on_press(ConfirmRegistration, confirm),
                MessageHandler(FILE | ANYTHING_ELSE, on_message(not_text)),
            ]
        },
    )
