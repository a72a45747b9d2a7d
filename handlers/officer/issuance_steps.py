"""What the officer's issuance steps share: the conversation state they type in, the checks
every press repeats (the version seen, the workflow's own rules), and the "saved" screen."""

from __future__ import annotations

from typing import Any, Protocol

from bot.services.officers import CaseView
from bot.workflow import ACTION_LABEL, Action, CaseRef, check
from handlers.officer.case_view import render_case, show_fresh
from handlers.officer.issuance_draft import IssuanceDraft, load
from handlers.respond import Press


class Versioned(Protocol):
    """A button that names a case and the version the officer saw."""

    @property
    def case(self) -> int: ...

    @property
    def version(self) -> int: ...


ISSUANCE = "ISSUANCE"
"""The officer conversation's state while a place, a note or the signed scan is expected."""


def allowed(view: CaseView, action: Action) -> None:
    """Refuse, in the workflow's words, a step this case or person does not allow now."""
    case = view.case
    check(action, view.actor, CaseRef(case.status, case.foundation_id, case.province), view.facts)


async def seen(press: Press[Any], case_id: int, version: int) -> CaseView | None:
    """The case, if still at the version the officer acted on; else it is shown afresh."""
    view = await press.services.officers.case_view(press.user.id, case_id)
    if view.case.version != version:
        await show_fresh(press, case_id)
        return None
    return view


async def saved(press: Press[Any], case_id: int, action: Action) -> None:
    notice = press.t.t("officer.saved", action=ACTION_LABEL[action])
    press.say(notice)
    await render_case(press, case_id, notice=notice)


def waiting(press: Press[Versioned], kind: str, expects: str) -> IssuanceDraft | None:
    """The draft this press goes on with (same kind, case, version and step), or None."""
    draft = load(press.context)
    case_id, version = press.button.case, press.button.version
    if draft is None or not draft.is_for(kind, case_id, version) or draft.expects != expects:
        return None
    return draft


async def gone(press: Press[Versioned]) -> None:
    """A press whose draft is gone: saved already (the case moved on, shown as it is now), or
    dropped and nothing saved (cancelled, or replaced by a newer summary): a stale button."""
    case_id, version = press.button.case, press.button.version
    view = await press.services.officers.case_view(press.user.id, case_id)
    if view.case.version != version:
        await show_fresh(press, case_id)
    else:
        press.say(press.t.t("common.stale_button"), alert=True)
