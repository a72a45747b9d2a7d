"""The buttons of the foundation side, one class per kind. Every prefix starts with "f" so that
it never meets the office side's; buttons that act on a case carry its id and the version the
person saw.

Wizard buttons name their wizard ("reg", "app" or "fix") and field, so a button left on an old
message is recognised as stale instead of answering whatever is being asked now. Answers to a
pickup appointment name the appointment, not the case version: an officer's unrelated step must
not make the answer stale, while a newer appointment does.
"""

from __future__ import annotations

from bot.callbacks import Button

REG, APP, FIX = "reg", "app", "fix"

# ----- wizards -------------------------------------------------------------------------------


class Choice(Button, prefix="fw"):
    wizard: str
    field: str
    value: str


class ProvincePage(Button, prefix="fwp"):
    wizard: str
    field: str
    page: int


class EditField(Button, prefix="fwe"):
    wizard: str
    field: str


class Fields(Button, prefix="fwl"):
    """Which field to change."""

    wizard: str


class BackToSummary(Button, prefix="fwb"):
    wizard: str


# ----- joining ---------------------------------------------------------------------------------


class AcceptPrivacy(Button, prefix="fpa"):
    then: str  # what to do after: reg, app or join


class DeclinePrivacy(Button, prefix="fpd"):
    pass


class Register(Button, prefix="frs"):
    pass


class ConfirmRegistration(Button, prefix="frc"):
    pass


class Invite(Button, prefix="fin"):
    pass


# ----- a new application -----------------------------------------------------------------------


class NewApplication(Button, prefix="fan"):
    pass


class DiscardAndNew(Button, prefix="fad"):
    pass


class ContinueApplication(Button, prefix="fac"):
    pass


class Consent(Button, prefix="fag"):
    pass


class NextItem(Button, prefix="fas"):
    pass


class DocumentsMenu(Button, prefix="fal"):
    pass


class ReplaceFile(Button, prefix="far"):
    item: str
    slot: int


class Submit(Button, prefix="fay"):
    case: int
    version: int


# ----- following cases, withdrawing, correcting ------------------------------------------------


class Cases(Button, prefix="fcl"):
    page: int


class CaseOpen(Button, prefix="fco"):
    case: int


class Withdraw(Button, prefix="fcw"):
    case: int
    version: int


class ConfirmWithdraw(Button, prefix="fcy"):
    case: int
    version: int


class KeepCase(Button, prefix="fcn"):
    pass


class StartCorrecting(Button, prefix="fxs"):
    case: int


class Resubmit(Button, prefix="fxr"):
    case: int
    version: int


# ----- the pickup appointment ------------------------------------------------------------------


class PickupSummary(Button, prefix="fuc"):
    """Confirming the appointment: its summary."""

    case: int
    appointment: int


class ConfirmPickup(Button, prefix="fuy"):
    case: int
    appointment: int


class AskReschedule(Button, prefix="fur"):
    """Asking for another time: the reason is asked for."""

    case: int
    appointment: int


class SendReschedule(Button, prefix="fus"):
    """Send the typed reason."""

    case: int
    appointment: int


class KeepAppointment(Button, prefix="fun"):
    """Keep the appointment as it is (nothing saved)."""
