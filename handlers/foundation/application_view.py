"""How each step of a new application looks: a question, the consent, the document asked for,
or the summary with everything on it."""

from __future__ import annotations

from telegram import Update

from bot.i18n_marker import N_
from bot.runtime import BotContext
from bot.services import wizard
from bot.services.applications import CONSENT, DOCUMENTS, ApplicationDraft
from bot.services.volunteer_form import VOLUNTEER_FIELDS
from bot.uploads import MAX_MEGABYTES
from handlers.foundation import render
from handlers.foundation.buttons import (
    APP,
    BackToSummary,
    Consent,
    DocumentsMenu,
    Fields,
    NextItem,
    Submit,
)
from handlers.respond import Press, say, user_id


async def show(
    update: Update, context: BotContext, draft: ApplicationDraft, note: str | None
) -> None:
    t = context.t
    back = [render.button(t.t("foundation.button.back_to_summary"), BackToSummary(wizard=APP))]
    rows: render.Rows = []
    spec = wizard.spec_of(VOLUNTEER_FIELDS, draft.step)
    if spec is not None:
        text = render.question(spec, VOLUNTEER_FIELDS, t)
        rows = render.field_rows(spec, APP, t)
        if draft.documents_done:
            rows.append(back)
    elif draft.step == CONSENT:
        text = t.t("foundation.apply.consent")
        rows = [[render.button(t.t("foundation.button.consent"), Consent())]]
    elif draft.step == DOCUMENTS:
        text, rows = await _document_step(context, draft)
        if draft.target is not None:
            rows.append(back)
    else:
        text, rows = await _summary(update, context)
    if note:
        text = note + "\n\n" + text
    await say(update, text, render.keyboard(rows))


async def _document_step(context: BotContext, draft: ApplicationDraft) -> tuple[str, render.Rows]:
    t = context.t
    applications = context.services.applications
    item = applications.item_at(draft)
    assert item is not None and draft.case_id is not None
    items = applications.checklist.items
    files = await applications.files_of(draft.case_id, item.key)
    text = t.t(
        "foundation.apply.document",
        number=items.index(item) + 1,
        total=len(items),
        name=t.pick(th=item.name_th, en=item.name_en),
        need=t.t(
            N_("foundation.document.required")
            if item.required
            else N_("foundation.document.optional")
        ),
        limit=MAX_MEGABYTES,
    )
    rows: render.Rows = []
    if draft.target is None:
        if item.multiple and files:
            text += "\n\n" + t.t("foundation.apply.document_more", count=len(files))
            rows.append([render.button(t.t("foundation.button.done_item"), NextItem())])
        elif not item.required:
            rows.append([render.button(t.t("foundation.button.skip"), NextItem())])
    return text, rows


async def _summary(update: Update, context: BotContext) -> tuple[str, render.Rows]:
    t = context.t
    summary = await context.services.applications.summary(user_id(update))
    checklist = context.services.applications.checklist
    text = t.t(
        "foundation.apply.summary",
        fields="\n".join(render.form_lines(VOLUNTEER_FIELDS, summary.draft.form, t)),
        documents="\n".join(render.checklist_lines(checklist, summary.documents, t)),
    )
    case = summary.case
    assert case is not None
    rows: render.Rows = [
        [
            render.button(
                t.t("foundation.button.submit"), Submit(case=case.id, version=case.version)
            )
        ],
        [render.button(t.t("foundation.button.change_detail"), Fields(wizard=APP))],
        [render.button(t.t("foundation.button.change_document"), DocumentsMenu())],
    ]
    return text, rows


async def after_button(press: Press[object], draft: ApplicationDraft) -> object:
    """A button's step went through: take the buttons off its message, show what is next."""
    await press.done()
    await show(press.update, press.context, draft, None)
    return None
