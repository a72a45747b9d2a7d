"""The buttons of the officer ("o...") and admin ("a...") screens, one class per kind.

Buttons that change a case carry the version the officer saw; a date is ``yyyymmdd`` and a
time ``hhmm`` (local, Asia/Bangkok), so a forged date is checked like a pressed one. Who
presses them, and whether they may, is always read from the database, never from the data.
"""

from __future__ import annotations

from bot.callbacks import Button

# ----- dashboard, queues, the case screen ------------------------------------------------------


class ShowDashboard(Button, prefix="od"):
    pass


class Queue(Button, prefix="oq"):
    bucket: str
    page: int


class OpenCase(Button, prefix="oo"):
    """The case's screen as a new message."""

    case: int


class ShowCase(Button, prefix="oc"):
    """The case's screen in place of the pressed message."""

    case: int


class Timeline(Button, prefix="oh"):
    case: int


class OpenFile(Button, prefix="of"):
    case: int
    attachment: int


# ----- review actions --------------------------------------------------------------------------


class AskAct(Button, prefix="oa"):
    """An act that needs no typing: its summary first."""

    act: str
    case: int
    version: int
    attachment: int  # 0: the act is about the whole case


class DoAct(Button, prefix="ox"):
    """The same, once confirmed."""

    act: str
    case: int
    version: int
    attachment: int


class PromptAct(Button, prefix="op"):
    """An act that needs text first."""

    act: str
    case: int
    version: int
    attachment: int


class SkipText(Button, prefix="os"):
    """Leave the optional text empty."""

    case: int
    version: int


class ConfirmText(Button, prefix="oy"):
    case: int
    version: int
    step: int


class CancelAct(Button, prefix="on"):
    case: int


# ----- issuance --------------------------------------------------------------------------------

SIGN, DONE = "sign", "done"


class PrintPack(Button, prefix="oip"):
    case: int


class AskIssuance(Button, prefix="oia"):
    """Sending for signing (``SIGN``) or completing (``DONE``): the summary."""

    act: str
    case: int
    version: int


class DoIssuance(Button, prefix="oix"):
    act: str
    case: int
    version: int


class PickupCalendar(Button, prefix="oic"):
    case: int
    version: int
    month: int  # yyyymm; 0: this month


class PickupDay(Button, prefix="oid"):
    case: int
    version: int
    day: int  # yyyymmdd


class PickupTime(Button, prefix="oit"):
    case: int
    version: int
    day: int  # yyyymmdd
    time: int  # hhmm


class OfficePlace(Button, prefix="oio"):
    """The office's own place for the pickup."""

    case: int
    version: int


class NoNote(Button, prefix="oin"):
    case: int
    version: int


class SavePickup(Button, prefix="oiy"):
    case: int
    version: int


class AskScan(Button, prefix="oiu"):
    case: int
    version: int


class AttachScan(Button, prefix="oif"):
    case: int
    version: int
    send: int  # 1: attach and send (complete); 0: attach only


class CancelIssuance(Button, prefix="oiq"):
    case: int


class Ignore(Button, prefix="oiw"):
    """Calendar labels: nothing to do."""


# ----- admin -----------------------------------------------------------------------------------

ALL_PROVINCES = "all"
INVITE, MOVE = "inv", "mv"


class Officers(Button, prefix="ao"):
    page: int


class OfficerDetail(Button, prefix="au"):
    officer: int


class PickProvince(Button, prefix="ap"):
    purpose: str  # INVITE or MOVE
    officer: int  # 0 for an invitation
    page: int


class ProvincePicked(Button, prefix="ac"):
    purpose: str
    officer: int
    province: str  # a province code or ALL_PROVINCES


class MoveOfficer(Button, prefix="am"):
    officer: int
    province: str


class AskActive(Button, prefix="aq"):
    officer: int
    activate: int  # 1 to activate, 0 to deactivate


class SetActive(Button, prefix="aw"):
    officer: int
    activate: int


class AdminInvite(Button, prefix="aa"):
    create: int  # 0 asks, 1 creates
