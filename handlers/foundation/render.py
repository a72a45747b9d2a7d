"""How forms, documents and cases look to a foundation member: texts and keyboards, in the
reader's language. No sending here, and nothing that decides anything."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from pydantic import BaseModel
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import provinces
from bot.callbacks import Button
from bot.checklist import Checklist
from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.kernel.inputs import CERTIFICATE_ITEM
from bot.provinces import Province
from bot.services.wizard import FieldSpec
from bot.uploads import human_size
from bot.workflow import BUCKET_LABEL, STATUS_LABEL, Action, bucket_of
from handlers.foundation.buttons import BackToSummary, Choice, EditField, ProvincePage
from handlers.replies import province_name
from storage.foundation_queries import PublicEvent
from storage.models import Attachment, Case

PROVINCES_PER_PAGE = 12
_LEADING_VOWELS = "เแโใไ"

Rows = list[list[InlineKeyboardButton]]


def button(text: str, pressed: Button) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=pressed.pack())


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


# --- form fields ---------------------------------------------------------------------------------


def value_text(spec: FieldSpec, value: object, t: Translator) -> str:
    if value is None:
        return "—"
    if spec.kind == "choice":
        label = spec.choice_label(value)
        return t.t(label) if label else str(value)
    if spec.kind == "province":
        return province_name(str(value), t)
    if isinstance(value, date):
        return t.date(value)
    return str(value)


def form_lines(specs: Sequence[FieldSpec], form: BaseModel, t: Translator) -> list[str]:
    return [
        t.t(
            "foundation.summary.line",
            label=t.t(s.label),
            value=value_text(s, getattr(form, s.key), t),
        )
        for s in specs
    ]


def question(spec: FieldSpec, specs: Sequence[FieldSpec], t: Translator) -> str:
    number = next(i for i, s in enumerate(specs, start=1) if s.key == spec.key)
    return t.t(
        "foundation.ask.numbered", number=number, total=len(specs), question=t.t(spec.prompt)
    )


def sorted_provinces(t: Translator) -> list[Province]:
    """Alphabetical in the reader's language; Thai sorts by the consonant, not a leading vowel."""

    def key(p: Province) -> str:
        name = t.pick(th=p.name_th, en=p.name_en)
        if t.lang == "th" and len(name) > 1 and name[0] in _LEADING_VOWELS:
            return name[1] + name[0] + name[2:]
        return name.casefold()

    return sorted(provinces.PROVINCES, key=key)


def province_rows(wizard: str, field: str, page: int, t: Translator) -> Rows:
    listed = sorted_provinces(t)
    pages = -(-len(listed) // PROVINCES_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    chunk = listed[page * PROVINCES_PER_PAGE : (page + 1) * PROVINCES_PER_PAGE]
    rows: Rows = [
        [
            button(
                t.pick(th=p.name_th, en=p.name_en), Choice(wizard=wizard, field=field, value=p.code)
            )
            for p in chunk[i : i + 2]
        ]
        for i in range(0, len(chunk), 2)
    ]

    def at(n: int) -> ProvincePage:
        return ProvincePage(wizard=wizard, field=field, page=n)

    nav: list[InlineKeyboardButton] = []
    if page > 0:
        nav.append(button(t.t("foundation.button.previous"), at(page - 1)))
    nav.append(button(t.t("foundation.button.page", page=page + 1, pages=pages), at(page)))
    if page < pages - 1:
        nav.append(button(t.t("foundation.button.next"), at(page + 1)))
    rows.append(nav)
    return rows


def field_rows(spec: FieldSpec, wizard: str, t: Translator) -> Rows:
    """The buttons that answer a field, if it is answered with buttons."""
    if spec.kind == "choice":
        return [
            [
                button(t.t(c.label), Choice(wizard=wizard, field=spec.key, value=c.token))
                for c in spec.choices
            ]
        ]
    if spec.kind == "province":
        return province_rows(wizard, spec.key, 0, t)
    return []


def fields_menu(specs: Sequence[FieldSpec], wizard: str, t: Translator) -> InlineKeyboardMarkup:
    rows: Rows = [[button(t.t(s.label), EditField(wizard=wizard, field=s.key))] for s in specs]
    rows.append([button(t.t("foundation.button.back"), BackToSummary(wizard=wizard))])
    markup = keyboard(rows)
    assert markup is not None
    return markup


# --- documents -------------------------------------------------------------------------------


def item_name(checklist: Checklist, key: str, t: Translator) -> str:
    if key == CERTIFICATE_ITEM:
        return t.t("foundation.document.certificate")
    item = checklist.get(key)
    return t.pick(th=item.name_th, en=item.name_en) if item else key


def file_text(a: Attachment, t: Translator) -> str:
    text = t.t("foundation.document.file", name=a.file_name, size=human_size(a.size))
    if a.revision > 1:
        text += " " + t.t("foundation.document.revision", revision=a.revision)
    if a.verdict == "needs_correction":
        text += "\n   " + t.t("foundation.document.flagged", reason=a.verdict_reason or "")
    return text


def checklist_lines(checklist: Checklist, files: Sequence[Attachment], t: Translator) -> list[str]:
    """Every checklist item with its files, or why it has none."""
    lines: list[str] = []
    for item in checklist.items:
        mine = [a for a in files if a.item == item.key]
        if mine:
            shown = "; ".join(file_text(a, t) for a in sorted(mine, key=lambda a: a.slot))
        elif item.required:
            shown = t.t("foundation.document.missing")
        else:
            shown = t.t("foundation.document.not_attached")
        lines.append(
            t.t(
                "foundation.summary.line",
                label=t.pick(th=item.name_th, en=item.name_en),
                value=shown,
            )
        )
    return lines


# --- cases -------------------------------------------------------------------------------------


def status_text(case: Case, t: Translator) -> str:
    return t.t(
        "foundation.case.status",
        status=STATUS_LABEL[case.status],
        move=BUCKET_LABEL[bucket_of(case.status)],
    )


def case_button_text(case: Case) -> str:
    name = case.volunteer_name if len(case.volunteer_name) <= 40 else case.volunteer_name[:39] + "…"
    return f"{case.tracking_no} · {name}"


_TIMELINE: dict[str, str] = {
    Action.SUBMIT.value: N_("foundation.timeline.submit"),
    Action.REQUEST_CORRECTION.value: N_("foundation.timeline.request_correction"),
    Action.RESUBMIT.value: N_("foundation.timeline.resubmit"),
    Action.RETURN_NOT_ELIGIBLE.value: N_("foundation.timeline.return_not_eligible"),
    Action.DOCUMENTS_COMPLETE.value: N_("foundation.timeline.documents_complete"),
    Action.APPROVE.value: N_("foundation.timeline.approve"),
    Action.NOT_APPROVE.value: N_("foundation.timeline.not_approve"),
    Action.SEND_FOR_SIGNING.value: N_("foundation.timeline.send_for_signing"),
    Action.SCHEDULE_PICKUP.value: N_("foundation.timeline.schedule_pickup"),
    Action.CONFIRM_PICKUP.value: N_("foundation.timeline.confirm_pickup"),
    Action.REQUEST_RESCHEDULE.value: N_("foundation.timeline.request_reschedule"),
    Action.COMPLETE.value: N_("foundation.timeline.complete"),
    Action.WITHDRAW.value: N_("foundation.timeline.withdraw"),
}


def timeline_lines(events: Sequence[PublicEvent], t: Translator) -> list[str]:
    lines: list[str] = []
    for event in events:
        what = _TIMELINE.get(event.action)
        if what is None:
            continue
        data = event.data
        text = t.t(
            what,
            receipt_no=str(data.get("receipt_no") or ""),
            # The office's own place was kept in English too (issuance).
            place=t.pick(
                th=str(data.get("place") or ""),
                en=str(data.get("place_en") or data.get("place") or ""),
            ),
            when=_pickup_time(data.get("when")),
        )
        lines.append(t.t("foundation.timeline.entry", when=event.created_at, what=text))
        if event.public_comment:
            lines.append(t.t("foundation.timeline.comment", comment=event.public_comment))
    return lines


def _pickup_time(value: object) -> object:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment if moment.tzinfo is not None else value
    return ""
