"""A foundation's case as its members read it: the list line, and the full view with details,
documents and the public timeline."""

from __future__ import annotations

from pydantic import ValidationError

from bot.checklist import Checklist
from bot.i18n import Translator
from bot.services.foundations import CasePage, CaseView
from bot.services.volunteer_form import VOLUNTEER_FIELDS, VolunteerForm
from bot.workflow import Action, Status
from handlers.foundation import pickup_render, render
from handlers.foundation.buttons import CaseOpen, Cases, StartCorrecting, Withdraw

# Long free text (duties) is cut in the view; the whole of it stays in the case.
_VIEW_TEXT = 300


def list_text(page: CasePage, t: Translator) -> str:
    names = t.pick(
        th=page.foundation.name_th, en=page.foundation.name_en or page.foundation.name_th
    )
    if not page.cases:
        return t.t("foundation.cases.empty", foundation=names)
    lines = [t.t("foundation.cases.title", foundation=names, page=page.page + 1, pages=page.pages)]
    for case in page.cases:
        lines.append(
            t.t(
                "foundation.cases.item",
                tracking_no=case.tracking_no,
                volunteer=case.volunteer_name,
                status=render.status_text(case, t),
            )
        )
    return "\n\n".join(lines)


def list_rows(page: CasePage, t: Translator) -> render.Rows:
    rows: render.Rows = [
        [render.button(render.case_button_text(c), CaseOpen(case=c.id))] for c in page.cases
    ]
    nav = []
    if page.page > 0:
        nav.append(render.button(t.t("foundation.button.previous"), Cases(page=page.page - 1)))
    if page.page < page.pages - 1:
        nav.append(render.button(t.t("foundation.button.next"), Cases(page=page.page + 1)))
    rows.append(nav)
    return rows


def _details(view: CaseView, t: Translator) -> list[str]:
    try:
        form = VolunteerForm.from_details(view.case.details)
    except ValidationError:
        return []
    lines = []
    for spec in VOLUNTEER_FIELDS:
        value = getattr(form, spec.key)
        shown = render.value_text(spec, value, t)
        if len(shown) > _VIEW_TEXT:
            shown = shown[: _VIEW_TEXT - 1] + "…"
        lines.append(t.t("foundation.summary.line", label=t.t(spec.label), value=shown))
    return lines


def view_text(view: CaseView, checklist: Checklist, t: Translator) -> str:
    case = view.case
    documents = [
        t.t(
            "foundation.summary.line",
            label=render.item_name(checklist, a.item, t),
            value=render.file_text(a, t),
        )
        for a in view.documents
    ]
    timeline = render.timeline_lines(view.timeline, t)
    status = render.status_text(case, t)
    if case.receipt_no:
        status += "\n" + t.t("foundation.case.receipt", receipt_no=case.receipt_no)
    if view.appointment is not None:
        status += "\n\n" + pickup_render.appointment_text(view.appointment, t)
    return t.t(
        "foundation.case.view",
        tracking_no=case.tracking_no,
        volunteer=case.volunteer_name,
        status=status,
        details="\n".join(_details(view, t)) or "—",
        documents="\n".join(documents) or "—",
        timeline="\n".join(timeline) or "—",
    )


def view_rows(view: CaseView, t: Translator) -> render.Rows:
    case = view.case
    rows: render.Rows = pickup_render.view_rows(view, t)
    if case.status is Status.AWAITING_CORRECTION and Action.RESUBMIT in view.actions:
        rows.append(
            [
                render.button(
                    t.t("foundation.button.start_correcting"), StartCorrecting(case=case.id)
                )
            ]
        )
    if Action.WITHDRAW in view.actions:
        rows.append(
            [
                render.button(
                    t.t("foundation.button.withdraw"), Withdraw(case=case.id, version=case.version)
                )
            ]
        )
    rows.append([render.button(t.t("foundation.button.cases"), Cases(page=0))])
    return rows
