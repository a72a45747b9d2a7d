"""The case screen as officers read it: every field, each attachment with its current verdict,
the timeline (events only officers see are marked), and the buttons the person may press now."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.checklist import Checklist
from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.services.officers import AttachmentView, CaseView
from bot.services.volunteer_form import VOLUNTEER_FIELDS, VolunteerForm
from bot.workflow import ACTION_LABEL, STATUS_LABEL, Action, Side, Status, side_of
from handlers.foundation.render import value_text
from handlers.officer import issuance_render
from handlers.officer.buttons import AskAct, OpenFile, PromptAct, ShowCase, ShowDashboard, Timeline
from handlers.officer.render import (
    MAX_TEXT,
    button,
    item_name,
    province_label,
    shorten,
)
from storage.models import Attachment, CaseEvent

VERDICT_LABEL: dict[str | None, MsgId] = {
    None: N_("officer.verdict.none"),
    "complete": N_("officer.verdict.complete"),
    "needs_correction": N_("officer.verdict.needs_correction"),
    "correct": N_("officer.verdict.correct"),
}
VERDICT_ICON: dict[str | None, str] = {
    None: "⏳",
    "complete": "✅",
    "needs_correction": "✏️",
    "correct": "☑️",
}
# Events the foundation never hears about; everything else changed what they see or came
# from them. Internal notes on any event are marked on their own line.
INTERNAL = frozenset(
    a.value for a in (Action.CLAIM, Action.ADD_INTERNAL_NOTE, Action.MARK_ATTACHMENT)
)
# Case actions that ask for text first, in the order their buttons appear.
PROMPTED: tuple[tuple[Action, str], ...] = (
    (Action.REQUEST_CORRECTION, "corr"),
    (Action.DOCUMENTS_COMPLETE, "done"),
    (Action.RETURN_NOT_ELIGIBLE, "ret"),
    (Action.APPROVE, "appr"),
    (Action.NOT_APPROVE, "napp"),
    (Action.ADD_INTERNAL_NOTE, "note"),
)
TIMELINE_IN_VIEW = 6
COMMENT_IN_VIEW = 300
BUTTON_NAME = 30


def _who(t: Translator, view: CaseView, user_id: int | None) -> str:
    if user_id is None:
        return t.t("officer.event.system")
    return view.names.get(user_id) or str(user_id)


def _mark(a: Attachment) -> tuple[str, MsgId]:
    return issuance_render.scan_mark(a) or (VERDICT_ICON[a.verdict], VERDICT_LABEL[a.verdict])


def _attachment_line(t: Translator, checklist: Checklist, n: int, a: Attachment) -> str:
    icon, verdict = _mark(a)
    line = t.t(
        "officer.case.attachment",
        number=n,
        icon=icon,
        item=item_name(checklist, a.item, t),
        verdict=verdict,
    )
    if a.verdict_reason:
        line += "\n" + t.t("officer.case.reason", reason=a.verdict_reason)
    return line


def _describe(t: Translator, checklist: Checklist, view: CaseView, event: CaseEvent) -> str:
    data = event.data
    files = {a.id: a for a in view.history}
    if event.action == Action.CLAIM.value and data.get("taken_from"):
        return t.t("officer.event.took_over", name=_who(t, view, int(data["taken_from"])))
    if event.action == Action.MARK_ATTACHMENT.value:
        verdict = VERDICT_LABEL.get(data.get("verdict"), VERDICT_LABEL[None])
        if "attachment_ids" in data:
            return t.t(
                "officer.event.marked_many", count=len(data["attachment_ids"]), verdict=verdict
            )
        marked = files.get(int(data.get("attachment_id") or 0))
        item = item_name(checklist, marked.item, t) if marked else "?"
        text = t.t("officer.event.marked", item=item, verdict=verdict)
        if data.get("reason"):
            text += "\n" + t.t("officer.case.reason", reason=str(data["reason"]))
        return text
    if event.action == Action.UPLOAD_ATTACHMENT.value and data.get("item"):
        return t.t("officer.event.uploaded", item=item_name(checklist, str(data["item"]), t))
    if event.action == Action.DOCUMENTS_COMPLETE.value and data.get("receipt_no"):
        return t.t("officer.event.documents_complete", receipt_no=str(data["receipt_no"]))
    if event.action == "create_draft":
        return t.t("officer.event.create_draft")
    issuance = issuance_render.describe_event(t, event)
    if issuance is not None:
        return issuance
    try:
        return t.t(ACTION_LABEL[Action(event.action)])
    except ValueError:
        return event.action


def event_text(
    t: Translator, checklist: Checklist, view: CaseView, event: CaseEvent, limit: int
) -> str:
    internal = event.action in INTERNAL
    lines = [
        t.t(
            "officer.event.line",
            mark=N_("officer.event.internal") if internal else N_("officer.event.public"),
            when=event.created_at,
            who=_who(t, view, event.actor_id),
            what=_describe(t, checklist, view, event),
        )
    ]
    if event.to_status is not None and event.to_status != event.from_status:
        lines.append(t.t("officer.event.status", status=STATUS_LABEL[event.to_status]))
    if event.public_comment:
        # The foundation writes a reason when it withdraws, resubmits or asks for another time.
        label = (
            N_("officer.event.applicant_comment")
            if side_of(event.action) is Side.FOUNDATION
            else N_("officer.event.comment")
        )
        lines.append(t.t(label, text=shorten(event.public_comment, limit)))
    if event.internal_note:
        lines.append(t.t("officer.event.note", text=shorten(event.internal_note, limit)))
    return "\n".join(lines)


def _summary(t: Translator, checklist: Checklist, view: CaseView) -> str:
    case = view.case
    foundation = view.foundation
    if case.claimed_by is None:
        claimed = t.t("officer.queue.unclaimed")
    else:
        claimed = _who(t, view, case.claimed_by)
    text = t.t(
        "officer.case.summary",
        tracking_no=case.tracking_no,
        status=STATUS_LABEL[case.status],
        foundation=t.pick(th=foundation.name_th, en=foundation.name_en or foundation.name_th)
        if foundation
        else "",
        province=province_label(case.province, t),
        volunteer=case.volunteer_name,
        passport_no=case.passport_no,
        receipt_no=case.receipt_no or "-",
        submitted=case.submitted_at,
        claimed=claimed,
    )
    return "\n".join([text, *detail_lines(t, view, case.details)])


def detail_lines(t: Translator, view: CaseView, details: dict[str, Any]) -> list[str]:
    """The volunteer's details with the labels and formats the foundation filled them in."""
    lines = [
        t.t("officer.case.detail", label=t.t(spec.label), value=value_text(spec, value, t))
        for spec in VOLUNTEER_FIELDS
        if (value := _parsed(spec.key, details)) is not None
    ]
    consent_at = details.get("consent_at")
    if isinstance(consent_at, str):
        with contextlib.suppress(ValueError):
            lines.append(
                t.t(
                    "officer.case.consent",
                    when=datetime.fromisoformat(consent_at),
                    who=_who(t, view, details.get("consent_by")),
                )
            )
    return lines


def _parsed(key: str, details: dict[str, Any]) -> object:
    """One field as the form model reads it (dates as dates), or None if absent or unreadable."""
    if details.get(key) is None:
        return None
    try:
        return getattr(VolunteerForm.model_validate({key: details[key]}), key)
    except ValidationError:
        return details[key]  # shown as stored rather than hidden


def case_text(
    t: Translator, checklist: Checklist, view: CaseView, notice: str | None = None
) -> str:
    head = [notice] if notice else []
    head.append(_summary(t, checklist, view))
    head += issuance_render.appointment_lines(t, view.appointment)
    files = [t.t("officer.case.attachments")]
    files += [_attachment_line(t, checklist, n, a) for n, a in enumerate(view.attachments, 1)]
    present = {a.item for a in view.attachments}
    files += [
        t.t("officer.case.missing", item=t.pick(th=i.name_th, en=i.name_en))
        for i in checklist.required
        if i.key not in present
    ]
    # Newest events last; drop older ones until the message fits Telegram's limit.
    shown = min(TIMELINE_IN_VIEW, len(view.events))
    while True:
        events = view.events[len(view.events) - shown :] if shown else []
        timeline = [t.t("officer.case.timeline", shown=shown, total=len(view.events))]
        timeline += [event_text(t, checklist, view, e, COMMENT_IN_VIEW) for e in events]
        text = "\n\n".join(["\n".join(head), "\n".join(files), "\n".join(timeline)])
        if len(text) <= MAX_TEXT or shown == 0:
            return shorten(text, MAX_TEXT)
        shown -= 1


def timeline_chunks(t: Translator, checklist: Checklist, view: CaseView) -> list[str]:
    """The whole timeline, in as many messages as it takes."""
    chunks = [t.t("officer.case.timeline_full", tracking_no=view.case.tracking_no)]
    for event in view.events:
        text = shorten(event_text(t, checklist, view, event, MAX_TEXT // 2), MAX_TEXT)
        if len(chunks[-1]) + len(text) + 2 > MAX_TEXT:
            chunks.append(text)
        else:
            chunks[-1] += "\n\n" + text
    return chunks


def case_markup(t: Translator, checklist: Checklist, view: CaseView) -> InlineKeyboardMarkup:
    case, me = view.case, view.actor.user_id
    key = {"case": case.id, "version": case.version, "attachment": 0}
    rows = [
        [
            button(
                f"{n}. {_mark(a)[0]} " + shorten(item_name(checklist, a.item, t), BUTTON_NAME),
                OpenFile(case=case.id, attachment=a.id),
            )
        ]
        for n, a in enumerate(view.attachments, 1)
    ]
    acts: list[InlineKeyboardButton] = []
    if Action.CLAIM in view.actions and case.claimed_by != me:
        if case.claimed_by is None:
            acts.append(button(t.t(ACTION_LABEL[Action.CLAIM]), AskAct(act="claim", **key)))
        else:
            name = _who(t, view, case.claimed_by)
            acts.append(
                button(t.t("officer.button.take_over", name=name), AskAct(act="take", **key))
            )
    if Action.MARK_ATTACHMENT in view.actions:
        if case.status is Status.AWAITING_CONSIDERATION and view.not_correct:
            acts.append(button(t.t("officer.button.all_correct"), AskAct(act="allright", **key)))
        elif case.status is not Status.AWAITING_CONSIDERATION and view.unmarked:
            acts.append(button(t.t("officer.button.all_complete"), AskAct(act="allok", **key)))
    acts += issuance_render.case_buttons(t, view)
    for action, act in PROMPTED:
        if action in view.actions:
            acts.append(button(t.t(ACTION_LABEL[action]), PromptAct(act=act, **key)))
    rows += [[b] for b in acts]
    rows.append(
        [
            button(t.t("officer.button.timeline"), Timeline(case=case.id)),
            button(t.t("officer.button.refresh"), ShowCase(case=case.id)),
        ]
    )
    rows.append([button(t.t("officer.button.dashboard"), ShowDashboard())])
    return InlineKeyboardMarkup(rows)


def attachment_text(t: Translator, checklist: Checklist, av: AttachmentView) -> str:
    a = av.attachment
    lines = [
        t.t(
            "officer.file.panel",
            tracking_no=av.case.tracking_no,
            position=av.position,
            count=av.count,
            item=item_name(checklist, a.item, t),
            file_name=a.file_name,
            revision=a.revision,
            uploaded=a.uploaded_at,
            verdict=VERDICT_LABEL[a.verdict],
        )
    ]
    if a.verdict_reason:
        lines.append(t.t("officer.case.reason", reason=a.verdict_reason))
    for old in av.earlier:
        lines.append(
            t.t(
                "officer.file.earlier",
                revision=old.revision,
                verdict=VERDICT_LABEL[old.verdict],
                reason=old.verdict_reason or "-",
            )
        )
    if not av.position:
        lines.append(t.t("officer.file.superseded"))
    return "\n".join(lines)


def attachment_markup(t: Translator, av: AttachmentView) -> InlineKeyboardMarkup:
    case, a = av.case, av.attachment
    key = {"case": case.id, "version": case.version, "attachment": a.id}
    rows: list[list[InlineKeyboardButton]] = []
    if Action.MARK_ATTACHMENT in av.actions:
        if case.status is Status.AWAITING_CONSIDERATION:
            rows.append([button(t.t("officer.verdict.correct"), AskAct(act="right", **key))])
        else:
            rows.append(
                [
                    button(t.t("officer.verdict.complete"), AskAct(act="ok", **key)),
                    button(t.t("officer.verdict.needs_correction"), PromptAct(act="fix", **key)),
                ]
            )
    rows.append([button(t.t("officer.button.back_to_case"), ShowCase(case=case.id))])
    return InlineKeyboardMarkup(rows)
