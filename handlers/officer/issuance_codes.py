"""Callback data of the officer's issuance screens ("oi..."), beside ``codes`` (the review).

Buttons that change a case carry the version the officer saw; a date is ``yyyymmdd`` and a
time ``hhmm`` (local, Asia/Bangkok), so a forged date is checked like a pressed one.
"""

from __future__ import annotations

from bot.callbacks import register

PRINT = register("oip", "int")  # case: send the print pack
ASK = register("oia", "token", "int", "int")  # sign / done, case, version: the summary
DO = register("oix", "token", "int", "int")  # the same, confirmed
CALENDAR = register("oic", "int", "int", "int")  # case, version, yyyymm (0: this month)
DAY = register("oid", "int", "int", "int")  # case, version, yyyymmdd
TIME = register("oit", "int", "int", "int", "int")  # case, version, yyyymmdd, hhmm
OFFICE_PLACE = register("oio", "int", "int")  # case, version: the office's own place
NO_NOTE = register("oin", "int", "int")  # case, version: no note
SAVE_PICKUP = register("oiy", "int", "int")  # case, version
SCAN = register("oiu", "int", "int")  # case, version: ask for the signed scan
ATTACH = register("oif", "int", "int", "int")  # case, version, 1 to send (complete) / 0 not
CANCEL = register("oiq", "int")  # case
IGNORE = register("oiw")  # calendar labels: nothing to do

SIGN, DONE = "sign", "done"
