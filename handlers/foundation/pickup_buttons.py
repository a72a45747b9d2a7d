"""Callback data of the foundation's answer to a pickup appointment ("fu..."), beside
``buttons`` (the rest of the foundation side). Each names the case and the appointment, not
the case version: an officer's unrelated step must not make the answer stale, while a newer
appointment does."""

from __future__ import annotations

from bot.callbacks import register

CONFIRM = register("fuc", "int", "int")  # case, appointment: the summary
CONFIRMED = register("fuy", "int", "int")  # case, appointment: confirm it
RESCHEDULE = register("fur", "int", "int")  # case, appointment: ask for the reason
SEND_REQUEST = register("fus", "int", "int")  # case, appointment: send the typed reason
KEEP = register("fun")  # keep the appointment as it is (nothing saved)
