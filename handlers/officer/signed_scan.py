"""The scan of the signed certificate: the officer sends it (PDF or image, the same checks as
the foundation's documents), sees what completing would send and to whom, and either attaches
it and sends it at once (the case is completed) or attaches it only."""

from __future__ import annotations

from telegram import Update

from bot import uploads
from bot.field_rules import FieldError
from bot.kernel.errors import VersionConflict
from bot.runtime import BotContext
from bot.workflow import Action, WorkflowError
from handlers.foundation.files import receive
from handlers.officer import issuance_render as screens
from handlers.officer.buttons import AskScan, AttachScan
from handlers.officer.case_render import case_markup, case_text
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.issuance_draft import IssuanceDraft, ScanFile, load, save
from handlers.officer.issuance_steps import ISSUANCE, allowed, gone, saved, seen, waiting
from handlers.respond import END, Press
from storage.models import User


async def scan_press(press: Press[AskScan]) -> object:
    case_id, version = press.button.case, press.button.version
    view = await seen(press, case_id, version)
    if view is None:
        return END
    allowed(view, Action.UPLOAD_CERTIFICATE)
    save(
        press.context,
        IssuanceDraft(kind="scan", case_id=case_id, version=version, expects="scan"),
    )
    await press.edit(*screens.scan_prompt(press.t, view.case, uploads.MAX_MEGABYTES))
    return ISSUANCE


async def file_sent(update: Update, context: BotContext, user: User) -> object:
    """The signed scan: the same checks as a foundation's documents, then a summary."""
    message = update.effective_message
    assert message is not None
    t, services = context.t, context.services
    draft = load(context)
    if draft is None or draft.expects != "scan":
        # Checked before anything is fetched: a file sent at the wrong moment is not downloaded.
        await message.reply_text(t.t("foundation.error.file_not_now"))
        return ISSUANCE if draft is not None else END
    view = await services.officers.case_view(user.id, draft.case_id)
    if view.case.version != draft.version:
        save(context, None)
        notice = t.t("common.conflict")
        checklist = services.checklist
        await message.reply_text(
            case_text(t, checklist, view, notice), reply_markup=case_markup(t, checklist, view)
        )
        return END
    try:
        meta = await receive(update, context)
    except FieldError as error:
        prompt, markup = screens.scan_prompt(t, view.case, uploads.MAX_MEGABYTES)
        await message.reply_text(
            t.t(error.msg_id, **error.params) + "\n\n" + prompt, reply_markup=markup
        )
        return ISSUANCE
    scan = ScanFile(
        file_name=meta.file_name,
        mime_type=meta.mime_type,
        size=meta.size,
        sha256=meta.sha256,
        telegram_file_id=meta.telegram_file_id,
    )
    save(context, draft.model_copy(update={"scan": scan, "expects": "send"}))
    done = await services.issuance.completion(user.id, draft.case_id)
    text, markup = screens.scan_received(t, done, scan.file_name, scan.size)
    await message.reply_text(text, reply_markup=markup)
    return END


async def attach_press(press: Press[AttachScan]) -> None:
    case_id, version, send = press.button.case, press.button.version, press.button.send
    draft = waiting(press, "scan", "send")
    if draft is None or draft.scan is None:
        await gone(press)
        return
    issuing, user = press.services.issuing, press.user.id
    try:
        outcome, _ = await issuing.upload_certificate(user, case_id, version, draft.scan.meta())
    except VersionConflict:
        save(press.context, None)
        await show_fresh(press, case_id)
        return
    save(press.context, None)
    if not send:
        await saved(press, case_id, Action.UPLOAD_CERTIFICATE)
        return
    try:
        await issuing.complete(user, case_id, outcome.case.version)
    except WorkflowError as error:
        # Attached, but not sent (say, the pickup was not set after all): the case says so.
        text = press.t.t(error.msg_id, **error.params)
        press.say(text, alert=True)
        await render_case(press, case_id, notice=text)
        return
    await saved(press, case_id, Action.COMPLETE)
