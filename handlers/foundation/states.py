"""States of the foundation conversation. Where exactly someone is inside a wizard is kept in
their draft in the database; the state only says which wizard their messages belong to."""

from __future__ import annotations

REGISTERING = "registering"
APPLYING = "applying"
CORRECTING = "correcting"
WITHDRAWING = "withdrawing"
