"""Logging as the service runs it: INFO and up, one line per record, and nothing in it that
identifies a person (names, passport numbers, phone numbers, e-mail addresses, file contents)
or opens the bot (its token).

Our own code logs ids (case, attachment, outbox row) and message ids, never what people typed.
What other libraries would log at INFO is kept out here; ``tests/test_security_logging_privacy``
plays a whole case and searches the records for every personal value it used.

The token is in every Bot API URL, and PTB quotes it in some errors: whatever a library puts in
a record, its message, exception text or traceback, the secrets given to ``redact`` are replaced
by ``[REDACTED]`` when the record is written. Uncaught exceptions are written through the same
formatter, so no traceback on stderr shows them either.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[REDACTED]"

_secrets: set[str] = set()


def redact(secret: str) -> None:
    """Never write ``secret`` to the log; for a bot token, its secret half is enough to hide."""
    _, colon, private = secret.partition(":")
    for value in {secret, private if colon and private else secret}:
        if len(value) >= 8:  # a short value would blank out ordinary words
            _secrets.add(value)
            _secrets.add(quote(value, safe=""))


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """The usual one-line format, with secrets removed from the finished text (exceptions too)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("bot").critical("uncaught exception", exc_info=(kind, error, traceback))


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _log_uncaught(args.exc_type, args.exc_value, args.exc_traceback)


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
    # pypdf warns about every flaw of a damaged upload (which is refused anyway); its records
    # can quote the file's bytes.
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def configure(level: int = logging.INFO) -> None:
    """``python -m bot``: records at ``level`` and up to stderr, secrets redacted."""
    logging.basicConfig(level=level, format=FORMAT)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter(FORMAT))
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_uncaught_in_thread
    quiet_noisy_loggers()
