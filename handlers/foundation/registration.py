"""Registering a foundation or association: one field at a time, a summary to check and
change, and only the confirmation creates it (the person becomes its first member)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.field_rules import FieldError
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.foundation_form import FOUNDATION_FIELDS
from bot.services.foundations import PrivacyRequired, RegistrationDraft
from bot.workflow import Role, WorkflowError
from handlers.foundation import buttons, render, states
from handlers.foundation.menu import member_home
from handlers.foundation.privacy import THEN_REGISTER, show_notice
from handlers.foundation.respond import done_with, refuse, say, user_id
from handlers.foundation.wizard_ui import ANYTHING_ELSE, FILE, WizardUI, field_handlers
from handlers.menus import set_menu_for

Handler = BaseHandler[Update, BotContext, object]


async def begin(update: Update, context: BotContext) -> object:
    """Start registering, or carry on where the person left off."""
    query = update.callback_query
    try:
        draft = await context.services.foundations.registration(user_id(update))
    except PrivacyRequired:
        draft = None
    except WorkflowError as error:
        await refuse(update, context, error)  # answers the press with the reason
        return ConversationHandler.END
    if query is not None:
        await query.answer()
        await done_with(query)
    if draft is None:
        await show_notice(update, context, THEN_REGISTER)
        return ConversationHandler.END
    await show(update, context, draft, None)
    return states.REGISTERING


async def show(
    update: Update, context: BotContext, draft: RegistrationDraft, error: str | None
) -> None:
    t = context.t
    spec = wizard.spec_of(FOUNDATION_FIELDS, draft.step)
    if spec is None:
        lines = render.form_lines(FOUNDATION_FIELDS, draft.form, t)
        text = t.t("foundation.register.summary", fields="\n".join(lines))
        rows: render.Rows = [
            [render.button(t.t("foundation.button.register_confirm"), buttons.REGISTER_CONFIRM)],
            [render.button(t.t("foundation.button.change_detail"), buttons.FIELDS, buttons.REG)],
        ]
    else:
        text = render.question(spec, FOUNDATION_FIELDS, t)
        rows = render.field_rows(spec, buttons.REG, t)
    if error:
        text = error + "\n\n" + text
    await say(update, text, render.keyboard(rows))


async def confirm(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    uid = user_id(update)
    try:
        foundation = await context.services.foundations.register(uid)
    except wizard.StaleStep as error:
        await refuse(update, context, error)
        return None
    except FieldError as error:
        await refuse(update, context, error)
        return None
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    await query.answer()
    await done_with(query)
    t = context.t
    await set_menu_for(context.bot, uid, Role.MEMBER, t)
    names = {"th": foundation.name_th, "en": foundation.name_en}
    await say(update, t.t("foundation.register.done", foundation=names))
    await member_home(update, context)
    return ConversationHandler.END


async def not_text(update: Update, context: BotContext) -> object:
    """A file, sticker or the like where a typed answer or a button is expected."""
    foundations = context.services.foundations
    try:
        draft = await foundations.registration(user_id(update))
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
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
        name=buttons.REG,
        specs=FOUNDATION_FIELDS,
        answer=answer,
        edit=edit,
        back=current,
        current=current,
        show=show,
    )


def entry_points() -> list[Handler]:
    return [CallbackQueryHandler(begin, pattern=buttons.pattern(buttons.REGISTER.prefix))]


def conversation_states() -> dict[object, list[Handler]]:
    return {
        states.REGISTERING: [
            *field_handlers(_ui()),
            CallbackQueryHandler(confirm, pattern=buttons.pattern(buttons.REGISTER_CONFIRM.prefix)),
            MessageHandler(FILE | ANYTHING_ELSE, not_text),
        ]
    }
