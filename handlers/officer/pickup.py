"""The pickup appointment, as the officer sets it: a date from the inline calendar (closed days
refused with their reason), a time from the office-hour slots, the office's place or one typed,
an optional note, a summary, and only then the appointment is saved and the foundation told.

What is chosen waits in the officer's draft (``issuance_draft``); the moment is checked again
when saving, since time passes while the officer chooses.
"""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardMarkup, Message

from bot.i18n import Translator
from bot.i18n_marker import N_
from bot.issuance.config import OfficeConfig
from bot.kernel.errors import InvalidInput, VersionConflict
from bot.kernel.inputs import MAX_NOTE, MAX_PLACE
from bot.runtime import BotContext
from bot.services.issuance import RefusedMoment
from bot.workflow import Action
from handlers.officer import issuance_render as screens
from handlers.officer.buttons import (
    NoNote,
    OfficePlace,
    PickupCalendar,
    PickupDay,
    PickupTime,
    SavePickup,
)
from handlers.officer.case_view import show_fresh
from handlers.officer.issuance_draft import IssuanceDraft, load, save
from handlers.officer.issuance_steps import ISSUANCE, allowed, gone, saved, seen, waiting
from handlers.respond import END, Press
from storage.models import User


def _day(value: int) -> dt.date:
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        raise InvalidInput(N_("common.stale_button")) from None


def _time(value: int) -> dt.time:
    try:
        return dt.time(value // 100, value % 100)
    except ValueError:
        raise InvalidInput(N_("common.stale_button")) from None


def _office_place(t: Translator, office: OfficeConfig) -> str:
    """Where the office hands certificates over, in the reader's language."""
    return t.pick(th=office.place("th"), en=office.place("en"))


def _pickup_draft(press: Press[object], case_id: int, version: int) -> IssuanceDraft:
    """The appointment being chosen for this case and version; a new one otherwise."""
    draft = load(press.context)
    if draft is not None and draft.is_for("pickup", case_id, version):
        return draft
    return IssuanceDraft(kind="pickup", case_id=case_id, version=version, expects="date")


async def calendar_press(press: Press[PickupCalendar]) -> object:
    case_id, version, month = press.button.case, press.button.version, press.button.month
    view = await seen(press, case_id, version)
    if view is None:
        return END
    allowed(view, Action.SCHEDULE_PICKUP)
    draft = _pickup_draft(press, case_id, version).model_copy(update={"expects": "date"})
    save(press.context, draft)
    grid = press.services.issuance.month(month // 100, month % 100, press.t.lang)
    await press.edit(*screens.calendar_screen(press.t, view.case, grid))
    return ISSUANCE


async def day_press(press: Press[PickupDay]) -> object:
    case_id, version = press.button.case, press.button.version
    day = _day(press.button.day)
    view = await seen(press, case_id, version)
    if view is None:
        return END
    allowed(view, Action.SCHEDULE_PICKUP)
    # A closed day (weekend, holiday, past) says why and leaves the calendar as it is.
    slots = press.services.issuance.check_day(day, press.t.lang)
    await press.edit(*screens.times_screen(press.t, view.case, day, slots))
    return ISSUANCE


async def time_press(press: Press[PickupTime]) -> object:
    case_id, version = press.button.case, press.button.version
    issuance = press.services.issuance
    when = issuance.local_moment(_day(press.button.day), _time(press.button.time))
    view = await seen(press, case_id, version)
    if view is None:
        return END
    allowed(view, Action.SCHEDULE_PICKUP)
    # Forged or outdated: a time off the office-hour grid, or on a closed day, says why.
    issuance.check_moment(when, press.t.lang)
    draft = _pickup_draft(press, case_id, version).model_copy(
        update={"starts_at": when, "expects": "place"}
    )
    save(press.context, draft)
    office_place = _office_place(press.t, issuance.office(view.case.province))
    await press.edit(*screens.place_screen(press.t, view.case, when, office_place))
    return ISSUANCE


async def office_place_press(press: Press[OfficePlace]) -> object:
    draft = waiting(press, "pickup", "place")
    if draft is None:
        await gone(press)
        return END
    save(press.context, draft.model_copy(update={"place": None, "expects": "note"}))
    view = await press.services.officers.case_view(press.user.id, draft.case_id)
    await press.edit(*screens.note_screen(press.t, view.case))
    return ISSUANCE


async def no_note_press(press: Press[NoNote]) -> object:
    draft = waiting(press, "pickup", "note")
    if draft is None:
        await gone(press)
        return END
    draft = draft.model_copy(update={"note": None, "expects": "confirm"})
    save(press.context, draft)
    await press.edit(*await _pickup_summary(press.context, press.user, draft))
    return END


async def _pickup_summary(
    context: BotContext, user: User, draft: IssuanceDraft
) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.starts_at is not None
    issuance, t = context.services.issuance, context.t
    view = await context.services.officers.case_view(user.id, draft.case_id)
    place = draft.place or _office_place(t, issuance.office(view.case.province))
    return screens.pickup_summary(t, view.case, draft.starts_at, place, draft.note)


async def save_pickup_press(press: Press[SavePickup]) -> object:
    case_id, version = press.button.case, press.button.version
    draft = waiting(press, "pickup", "confirm")
    if draft is None or draft.starts_at is None:
        # A second tap after saving, or a summary cancelled or replaced by a newer one.
        await gone(press)
        return END
    try:
        await press.services.issuance.schedule(
            press.user.id, case_id, version, draft.starts_at, draft.place, draft.note, press.t.lang
        )
    except VersionConflict:
        save(press.context, None)
        await show_fresh(press, case_id)
        return END
    except RefusedMoment as refused:
        # Time passed while the officer chose (the slot is gone): choose again.
        text = press.t.t(refused.msg_id, **refused.params)
        press.say(text, alert=True)
        save(press.context, draft.model_copy(update={"expects": "date"}))
        view = await press.services.officers.case_view(press.user.id, case_id)
        grid = press.services.issuance.month(0, 0, press.t.lang)
        await press.edit(*screens.calendar_screen(press.t, view.case, grid, text))
        return ISSUANCE
    save(press.context, None)
    await saved(press, case_id, Action.SCHEDULE_PICKUP)
    return END


async def typed(message: Message, context: BotContext, user: User, draft: IssuanceDraft) -> object:
    """The place (then the note is asked) or the note (then the summary is shown)."""
    t, text = context.t, (message.text or "").strip()
    limit = MAX_PLACE if draft.expects == "place" else MAX_NOTE
    if len(text) > limit:
        await message.reply_text(t.t("error.text_too_long", limit=limit))
        return ISSUANCE
    view = await context.services.officers.case_view(user.id, draft.case_id)
    if draft.expects == "place":
        save(context, draft.model_copy(update={"place": text, "expects": "note"}))
        prompt, markup = screens.note_screen(t, view.case)
        await message.reply_text(prompt, reply_markup=markup)
        return ISSUANCE
    draft = draft.model_copy(update={"note": text, "expects": "confirm"})
    save(context, draft)
    summary, markup = await _pickup_summary(context, user, draft)
    await message.reply_text(summary, reply_markup=markup)
    return END
