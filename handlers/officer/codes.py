"""Callback data of the officer ("o...") and admin ("a...") screens, registered in one place.

Buttons say which case and which version the person saw; who presses them, and whether they
may, is always read from the database, never from the data.
"""

from __future__ import annotations

from bot.callbacks import Callback, Spec, register

# Officer screens.
DASHBOARD = register("od")
QUEUE = register("oq", "token", "int")  # bucket, page
OPEN = register("oo", "int")  # case: its screen as a new message
SHOW = register("oc", "int")  # case: its screen in place of the pressed message
TIMELINE = register("oh", "int")  # case
FILE = register("of", "int", "int")  # case, attachment
ASK = register("oa", "token", "int", "int", "int")  # act, case, version, attachment or 0
DO = register("ox", "token", "int", "int", "int")  # the same, once confirmed
PROMPT = register("op", "token", "int", "int", "int")  # an act that needs text first
SKIP = register("os", "int", "int")  # case, version: leave the optional text empty
CONFIRM = register("oy", "int", "int", "int")  # case, version, step
CANCEL = register("on", "int")  # case

# Admin screens.
OFFICERS = register("ao", "int")  # page
OFFICER = register("au", "int")  # officer
PICK = register("ap", "token", "int", "int")  # purpose (inv/mv), officer or 0, page
PICKED = register("ac", "token", "int", "token")  # purpose, officer or 0, province or "all"
MOVE = register("am", "int", "token")  # officer, province or "all"
ACTIVE_ASK = register("aq", "int", "int")  # officer, 1 to activate / 0 to deactivate
ACTIVE_SET = register("aw", "int", "int")
ADMIN_INVITE = register("aa", "int")  # 0 asks, 1 creates

ALL_PROVINCES = "all"


def pattern(spec: Spec) -> str:
    """The regex PTB matches: this prefix exactly, with or without fields."""
    return rf"^{spec.prefix}(:|$)"


def case_act(data: Callback) -> tuple[str, int, int, int]:
    """An ``ASK`` / ``DO`` / ``PROMPT`` button: act, case, version, attachment (or 0)."""
    return data.token(0), data.number(1), data.number(2), data.number(3)
