"""Logging as the service runs it: INFO and up, one line per record, and nothing in it that
identifies a person (names, passport numbers, phone numbers, e-mail addresses, file contents)
or opens the bot (its token).

Our own code logs ids (case, attachment, outbox row) and message ids, never what people typed.
What other libraries would log at INFO is kept out here; ``tests/test_security_logging_privacy``
plays a whole case and searches the records for every personal value it used.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def quiet_noisy_loggers() -> None:
    """Libraries whose INFO records would leak or drown what matters."""
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB's rate limiter logs every 429 with a traceback; the outbox worker handles each one
    # (it waits retry_after and records the attempt), so that is noise, not an error.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    # APScheduler logs two INFO lines for every run of every job: the outbox job alone runs
    # every two seconds. Its warnings (a missed run) and errors still come through.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def configure(level: int = logging.INFO) -> None:
    """``python -m bot``: records at ``level`` and up to stderr."""
    logging.basicConfig(level=level, format=FORMAT)
    quiet_noisy_loggers()
