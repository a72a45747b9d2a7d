"""Correcting a case the officer sent back: each flagged document in turn, the details if the
officer asked, then one resubmission. Only while the case waits for the applicant."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler, MessageHandler

from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.kernel.errors import VersionConflict
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.corrections import DOCUMENTS, CorrectionView
from bot.services.volunteer_form import CORRECTABLE_FIELDS
from bot.uploads import MAX_MEGABYTES, human_size
from bot.workflow import WorkflowError
from handlers.feature import Feature
from handlers.foundation import render, states
from handlers.foundation.buttons import FIX, BackToSummary, Fields, Resubmit, StartCorrecting
from handlers.foundation.files import receive
from handlers.foundation.tracking import show_case
from handlers.foundation.wizard_ui import (
    ANYTHING_ELSE,
    FILE,
    WIZARD_BUTTONS,
    WizardUI,
    field_handlers,
)
from handlers.respond import Press, message_of, on_message, on_press, say, user_id
from storage.models import User


async def begin(press: Press[StartCorrecting]) -> object:
    """The "Start correcting" button, under the notification or on the case."""
    view = await press.services.corrections.start(press.user.id, press.button.case)
    await show(press.update, press.context, view, _intro(view, press.context))
    return states.CORRECTING


async def resume(update: Update, context: BotContext) -> object | None:
    """/continue: the correction in progress, if its case still waits for it."""
    try:
        view = await context.services.corrections.view(user_id(update))
    except WorkflowError:
        return None
    await show(update, context, view, _intro(view, context))
    return states.CORRECTING


def _intro(view: CorrectionView, context: BotContext) -> str:
    t = context.t
    checklist = context.services.checklist
    flagged = "\n".join(
        t.t(
            "foundation.correct.flagged_line",
            name=render.item_name(checklist, a.item, t),
            reason=a.verdict_reason or "—",
        )
        for a in view.flagged
    )
    return t.t(
        "foundation.correct.intro",
        tracking_no=view.case.tracking_no,
        volunteer=view.case.volunteer_name,
        flagged=flagged or "—",
        comment=view.comment or "—",
    )


async def show(update: Update, context: BotContext, view: CorrectionView, note: str | None) -> None:
    t = context.t
    checklist = context.services.checklist
    spec = wizard.spec_of(CORRECTABLE_FIELDS, view.draft.step)
    rows: render.Rows = []
    if spec is not None:
        text = t.t(spec.prompt)
        rows = render.field_rows(spec, FIX, t)
        rows.append([render.button(t.t("foundation.button.back"), BackToSummary(wizard=FIX))])
    elif view.draft.step == DOCUMENTS and view.flagged:
        target = view.flagged[0]
        text = t.t(
            "foundation.correct.document",
            name=render.item_name(checklist, target.item, t),
            reason=target.verdict_reason or "—",
            remaining=len(view.flagged),
            limit=MAX_MEGABYTES,
        )
    else:
        case = view.case
        replaced = [
            t.t(
                "foundation.summary.line",
                label=render.item_name(checklist, a.item, t),
                value=render.file_text(a, t),
            )
            for a in view.replaced
        ]
        changed = [
            line
            for s, line in zip(
                CORRECTABLE_FIELDS,
                render.form_lines(CORRECTABLE_FIELDS, view.draft.form, t),
                strict=True,
            )
            if s.key in view.changed
        ]
        text = t.t(
            "foundation.correct.summary",
            tracking_no=case.tracking_no,
            replaced="\n".join(replaced) or "—",
            changed="\n".join(changed) or "—",
        )
        rows = [
            [
                render.button(
                    t.t("foundation.button.resubmit"), Resubmit(case=case.id, version=case.version)
                )
            ],
            [render.button(t.t("foundation.button.change_detail"), Fields(wizard=FIX))],
        ]
    if note:
        text = note + "\n\n" + text
    await say(update, text, render.keyboard(rows))


async def file_sent(update: Update, context: BotContext, user: User) -> object:
    uid = user.id
    corrections = context.services.corrections
    view = await corrections.view(uid)
    if view.draft.step != DOCUMENTS or not view.flagged:
        await show(update, context, view, context.t.t("foundation.error.file_not_now"))
        return None
    try:
        meta = await receive(update, context)
        view = await corrections.add_file(uid, meta)
    except FieldError as error:
        await show(update, context, view, message_of(error, context.t))
        return None
    note = context.t.t(
        "foundation.apply.file_received", name=meta.file_name, size=human_size(meta.size)
    )
    await show(update, context, view, note)
    return None


async def other_sent(update: Update, context: BotContext, user: User) -> object:
    view = await context.services.corrections.view(user.id)
    expected = (
        N_("foundation.error.file_type")
        if view.draft.step == DOCUMENTS
        else N_("foundation.error.text_expected")
    )
    await show(update, context, view, context.t.t(expected, limit=MAX_MEGABYTES))
    return None


async def resubmit(press: Press[Resubmit]) -> object:
    case_id = press.button.case
    try:
        outcome = await press.services.corrections.resubmit(
            press.user.id, case_id, press.button.version
        )
    except VersionConflict as error:
        await press.done()
        await show_case(press.update, press.context, case_id, message_of(error, press.t))
        return ConversationHandler.END
    await press.done()
    case = outcome.case
    await press.send(press.t.t("foundation.correct.done", tracking_no=case.tracking_no))
    return ConversationHandler.END


def _ui() -> WizardUI[CorrectionView]:
    async def answer(context: BotContext, uid: int, raw: str, field: str | None) -> CorrectionView:
        return await context.services.corrections.answer(uid, raw, field)

    async def edit(context: BotContext, uid: int, key: str) -> CorrectionView:
        return await context.services.corrections.edit(uid, key)

    async def back(context: BotContext, uid: int) -> CorrectionView:
        return await context.services.corrections.back(uid)

    async def current(context: BotContext, uid: int) -> CorrectionView:
        return await context.services.corrections.view(uid)

    return WizardUI(
        name=FIX,
        specs=CORRECTABLE_FIELDS,
        answer=answer,
        edit=edit,
        back=back,
        current=current,
        show=show,
    )


def feature() -> Feature:
    return Feature(
        name="foundation_correction",
        buttons=(StartCorrecting, Resubmit, *WIZARD_BUTTONS),
        conversation=states.FOUNDATION,
        entry_points=[on_press(StartCorrecting, begin)],
        states={
            states.CORRECTING: [
                *field_handlers(_ui()),
                # Refused (stale, or no longer a member): the person stays where they were.
                on_press(Resubmit, resubmit, refused=None),
                MessageHandler(FILE, on_message(file_sent)),
                MessageHandler(ANYTHING_ELSE, on_message(other_sent)),
            ]
        },
    )
