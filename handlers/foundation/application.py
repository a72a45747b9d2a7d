"""A new application: the volunteer's details, the consent, the documents one by one, and a
summary from which any field or document can be changed before submitting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot.kernel.errors import VersionConflict
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.applications import ApplicationDraft, DraftExists, NoDraft
from bot.services.foundations import PrivacyRequired
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from bot.workflow import WorkflowError
from handlers import common
from handlers.foundation import buttons, documents, render, states
from handlers.foundation.application_view import after_button, show
from handlers.foundation.privacy import THEN_APPLY, show_notice
from handlers.foundation.respond import (
    done_with,
    message_of,
    pressed,
    refuse,
    say,
    stale,
    user_id,
)
from handlers.foundation.wizard_ui import WizardUI, field_handlers

Handler = BaseHandler[Update, BotContext, object]


async def _answer(update: Update) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
        await done_with(update.callback_query)


async def begin_new(update: Update, context: BotContext, *, discard: bool = False) -> object:
    """/new or the menu's button: a fresh application (the privacy notice first if needed)."""
    t = context.t
    try:
        draft = await context.services.applications.start(user_id(update), discard=discard)
    except PrivacyRequired:
        await _answer(update)
        await show_notice(update, context, THEN_APPLY)
        return ConversationHandler.END
    except DraftExists as error:
        await _answer(update)
        rows = [
            [render.button(t.t("foundation.button.continue_application"), buttons.APPLY_CONTINUE)],
            [render.button(t.t("foundation.button.discard_and_new"), buttons.APPLY_DISCARD)],
        ]
        await say(update, message_of(error, context), render.keyboard(rows))
        return ConversationHandler.END
    except WorkflowError as error:
        await refuse(update, context, error)  # answers the press with the reason
        return ConversationHandler.END
    await _answer(update)
    await say(update, t.t("foundation.apply.intro"))
    await show(update, context, draft, None)
    return states.APPLYING


async def discard_and_new(update: Update, context: BotContext) -> object:
    return await begin_new(update, context, discard=True)


async def resume(update: Update, context: BotContext) -> object | None:
    """Show the unfinished application where it was left; None when there is none.

    A refusal (not a member) is raised before the press is answered: the caller answers it
    with the reason, and a press is answered once."""
    draft = await context.services.applications.current(user_id(update))
    await _answer(update)
    if draft is None:
        return None
    await show(update, context, draft, context.t.t("foundation.apply.resumed"))
    return states.APPLYING


async def resume_pressed(update: Update, context: BotContext) -> object:
    try:
        state = await resume(update, context)
    except WorkflowError as error:
        await refuse(update, context, error)
        return ConversationHandler.END
    if state is None:
        await say(update, context.t.t("foundation.apply.no_draft"))
        return ConversationHandler.END
    return state


# --- showing the current step ----------------------------------------------------------------


# --- the steps' buttons ------------------------------------------------------------------------


async def consent(update: Update, context: BotContext) -> object:
    try:
        draft = await context.services.applications.consent(user_id(update))
    except wizard.StaleStep:
        await stale(update, context)
        return None
    except WorkflowError as error:
        await refuse(update, context, error)
        return None
    return await after_button(update, context, draft)


async def submit(update: Update, context: BotContext) -> object:
    data = pressed(update, buttons.APPLY_SUBMIT)
    query = update.callback_query
    if data is None or query is None:
        await stale(update, context)
        return None
    uid = user_id(update)
    t = context.t
    try:
        outcome = await context.services.applications.submit(uid, data.number(0), data.number(1))
    except VersionConflict as error:
        await query.answer()
        await done_with(query)
        draft = await context.services.applications.current(uid)
        if draft is not None:
            await show(update, context, draft, message_of(error, context))
        return None
    except wizard.StaleStep:
        await stale(update, context)
        return None
    except WorkflowError as error:
        await refuse(update, context, error)
        return None
    await query.answer()
    await done_with(query)
    case = outcome.case
    await say(
        update,
        t.t(
            "foundation.apply.submitted",
            tracking_no=case.tracking_no,
            volunteer=case.volunteer_name,
        ),
        render.keyboard(
            [[render.button(t.t("foundation.button.open_case"), buttons.CASE_OPEN, case.id)]]
        ),
    )
    return ConversationHandler.END


def _ui() -> WizardUI[ApplicationDraft]:
    async def answer(
        context: BotContext, uid: int, raw: str, field: str | None
    ) -> ApplicationDraft:
        return await context.services.applications.answer(uid, raw, field)

    async def edit(context: BotContext, uid: int, key: str) -> ApplicationDraft:
        return await context.services.applications.edit(uid, key)

    async def back(context: BotContext, uid: int) -> ApplicationDraft:
        return await context.services.applications.back_to_summary(uid)

    async def current(context: BotContext, uid: int) -> ApplicationDraft:
        draft = await context.services.applications.current(uid)
        if draft is None:
            raise NoDraft()
        return draft

    return WizardUI(
        name=buttons.APP,
        specs=VOLUNTEER_FIELDS,
        answer=answer,
        edit=edit,
        back=back,
        current=current,
        show=show,
    )


def entry_points() -> list[Handler]:
    return [
        CommandHandler("new", begin_new, filters=common.PRIVATE),
        CallbackQueryHandler(begin_new, pattern=buttons.pattern(buttons.APPLY_NEW.prefix)),
        CallbackQueryHandler(
            discard_and_new, pattern=buttons.pattern(buttons.APPLY_DISCARD.prefix)
        ),
        CallbackQueryHandler(
            resume_pressed, pattern=buttons.pattern(buttons.APPLY_CONTINUE.prefix)
        ),
    ]


def conversation_states() -> dict[object, list[Handler]]:
    return {
        states.APPLYING: [
            *field_handlers(_ui()),
            CallbackQueryHandler(consent, pattern=buttons.pattern(buttons.APPLY_CONSENT.prefix)),
            CallbackQueryHandler(submit, pattern=buttons.pattern(buttons.APPLY_SUBMIT.prefix)),
            *documents.handlers(),
        ]
    }
