"""Callback data of the foundation side. Every prefix starts with "f" so that it never meets
the office side's; buttons that act on a case carry its id and the version the person saw.

Wizard buttons name their wizard ("reg", "app" or "fix") and field, so a button left on an old
message is recognised as stale instead of answering whatever is being asked now.
"""

from __future__ import annotations

from bot.callbacks import register

REG, APP, FIX = "reg", "app", "fix"

# Wizards: a choice for a field, a page of provinces, and moving around the summary.
CHOICE = register("fw", "token", "token", "token")  # wizard, field, value
PROVINCE_PAGE = register("fwp", "token", "token", "int")  # wizard, field, page
EDIT = register("fwe", "token", "token")  # wizard, field
FIELDS = register("fwl", "token")  # wizard: which field to change
BACK = register("fwb", "token")  # wizard: back to its summary

PRIVACY_ACCEPT = register("fpa", "token")  # what to do after: reg, app or join
PRIVACY_DECLINE = register("fpd")

REGISTER = register("frs")
REGISTER_CONFIRM = register("frc")

APPLY_NEW = register("fan")
APPLY_DISCARD = register("fad")
APPLY_CONTINUE = register("fac")
APPLY_CONSENT = register("fag")
APPLY_NEXT_ITEM = register("fas")
APPLY_DOCUMENTS = register("fal")
APPLY_REPLACE = register("far", "token", "int")  # item, slot
APPLY_SUBMIT = register("fay", "int", "int")  # case, version

CASES = register("fcl", "int")  # page
CASE_OPEN = register("fco", "int")  # case
WITHDRAW = register("fcw", "int", "int")  # case, version
WITHDRAW_CONFIRM = register("fcy", "int", "int")  # case, version
WITHDRAW_CANCEL = register("fcn")

FIX_START = register("fxs", "int")  # case
FIX_RESUBMIT = register("fxr", "int", "int")  # case, version

INVITE = register("fin")


def pattern(prefix: str, *fixed: str) -> str:
    """A handler pattern: this prefix (and these leading values), nothing that merely starts
    with the same letters."""
    head = ":".join((prefix, *fixed))
    return rf"^{head}(?::|$)"
