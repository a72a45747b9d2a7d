"""A new application: the volunteer's details, the consent, the documents one by one, and a
summary from which any field or document can be changed before submitting."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler

from bot.kernel.errors import VersionConflict
from bot.runtime import BotContext
from bot.services.applications import ApplicationDraft, DraftExists, NoDraft
from bot.services.foundations import PrivacyRequired
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from handlers import common
from handlers.feature import Feature
from handlers.foundation import documents, render, states
from handlers.foundation.application_view import after_button, show
from handlers.foundation.buttons import (
    APP,
    CaseOpen,
    Consent,
    ContinueApplication,
    DiscardAndNew,
    NewApplication,
    Submit,
)
from handlers.foundation.privacy import THEN_APPLY, show_notice
from handlers.foundation.wizard_ui import WIZARD_BUTTONS, WizardUI, field_handlers
from handlers.respond import (
    Press,
    buttons_used,
    message_of,
    on_message,
    on_press,
    say,
    user_id,
)
from storage.models import User


async def begin_new(update: Update, context: BotContext, *, discard: bool = False) -> object:
    """/new or the menu's button: a fresh application (the privacy notice first if needed).
    A refusal (not a member) is raised, for ``on_press`` / ``on_message`` to tell."""
    t = context.t
    try:
        draft = await context.services.applications.start(user_id(update), discard=discard)
    except PrivacyRequired:
        await buttons_used(update)
        await show_notice(update, context, THEN_APPLY)
        return ConversationHandler.END
    except DraftExists as error:
        await buttons_used(update)
        rows = [
            [render.button(t.t("foundation.button.continue_application"), ContinueApplication())],
            [render.button(t.t("foundation.button.discard_and_new"), DiscardAndNew())],
        ]
        await say(update, message_of(error, t), render.keyboard(rows))
        return ConversationHandler.END
    await buttons_used(update)
    await say(update, t.t("foundation.apply.intro"))
    await show(update, context, draft, None)
    return states.APPLYING


async def new_command(update: Update, context: BotContext, user: User) -> object:
    return await begin_new(update, context)


async def new_pressed(press: Press[NewApplication]) -> object:
    return await begin_new(press.update, press.context)


async def discard_and_new(press: Press[DiscardAndNew]) -> object:
    return await begin_new(press.update, press.context, discard=True)


async def resume(update: Update, context: BotContext) -> object | None:
    """/continue: the unfinished application where it was left; None when there is none.
    A refusal (not a member) is raised."""
    draft = await context.services.applications.current(user_id(update))
    if draft is None:
        return None
    await show(update, context, draft, context.t.t("foundation.apply.resumed"))
    return states.APPLYING


async def resume_pressed(press: Press[ContinueApplication]) -> object:
    draft = await press.services.applications.current(press.user.id)
    await press.done()
    if draft is None:
        await press.send(press.t.t("foundation.apply.no_draft"))
        return ConversationHandler.END
    await show(press.update, press.context, draft, press.t.t("foundation.apply.resumed"))
    return states.APPLYING


# --- the steps' buttons ------------------------------------------------------------------------


async def consent(press: Press[Consent]) -> object:
    draft = await press.services.applications.consent(press.user.id)
    return await after_button(press, draft)


async def submit(press: Press[Submit]) -> object:
    applications, t = press.services.applications, press.t
    try:
        outcome = await applications.submit(press.user.id, press.button.case, press.button.version)
    except VersionConflict as error:
        await press.done()
        draft = await applications.current(press.user.id)
        if draft is not None:
            await show(press.update, press.context, draft, message_of(error, t))
        return None
    await press.done()
    case = outcome.case
    await press.send(
        t.t(
            "foundation.apply.submitted",
            tracking_no=case.tracking_no,
            volunteer=case.volunteer_name,
        ),
        render.keyboard(
            [[render.button(t.t("foundation.button.open_case"), CaseOpen(case=case.id))]]
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
        name=APP,
        specs=VOLUNTEER_FIELDS,
        answer=answer,
        edit=edit,
        back=back,
        current=current,
        show=show,
    )


def feature() -> Feature:
    return Feature(
        name="foundation_application",
        buttons=(
            NewApplication,
            DiscardAndNew,
            ContinueApplication,
            Consent,
            Submit,
            *documents.BUTTONS,
            *WIZARD_BUTTONS,
        ),
        conversation=states.FOUNDATION,
        entry_points=[
            CommandHandler("new", on_message(new_command), filters=common.PRIVATE),
            on_press(NewApplication, new_pressed),
            on_press(DiscardAndNew, discard_and_new),
            on_press(ContinueApplication, resume_pressed),
        ],
        states={
            states.APPLYING: [
                *field_handlers(_ui()),
                # Refused (stale, or no longer a member): the person stays where they were.
                on_press(Consent, consent, refused=None),
                on_press(Submit, submit, refused=None),
                *documents.handlers(),
            ]
        },
    )
