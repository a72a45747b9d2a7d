"""``python -m bot``: run the bot. Settings come from CERTBOT_* variables or a .env file.

``python -m bot sandbox [--port 8080] [--demo]`` runs it against a local fake Telegram
instead, with a web page that plays the people (see ``bot.sandbox``); it needs no settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

from bot.config import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # PTB's rate limiter logs every 429 with a traceback; the outbox worker handles each one
    # (it waits retry_after and records the attempt), so that is noise, not an error.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    if args[:1] == ["sandbox"]:
        from bot.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    from bot.app import run
    from bot.checklist import ChecklistError
    from bot.i18n import CatalogError
    from bot.issuance.config import IssuanceConfigError
    from bot.privacy import PrivacyNoticeError
    from storage.migrate import MigrationError

    # Files the bot reads at start-up: a broken one is named in one line, like a bad setting.
    startup_errors = (
        ChecklistError,
        CatalogError,
        IssuanceConfigError,
        PrivacyNoticeError,
        MigrationError,
    )
    # Files and the database are the service's own: nobody else on the machine reads them.
    os.umask(0o077)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(run(settings))
    except startup_errors as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
