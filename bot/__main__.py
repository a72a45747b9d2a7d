"""``python -m bot``: run the bot. Settings come from CERTBOT_* variables or a .env file.

``python -m bot sandbox [--port 8080] [--demo]`` runs it against a local fake Telegram
instead, with a web page that plays the people (see ``bot.sandbox``); it needs no settings.

``python -m bot backup DEST_DIR`` and ``python -m bot restore BACKUP_DIR [--force]`` copy the
data directory out and back (see ``bot.backup``); they read only ``CERTBOT_DATA_DIR``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys

from bot import logs
from bot.config import SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    # INFO and up, without the loggers that would leak the token or bury the rest.
    logs.configure()
    if args[:1] == ["sandbox"]:
        from bot.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    if args[:1] in (["backup"], ["restore"]):
        from bot.backup import main as backup_main

        return backup_main(args)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    logs.redact(settings.bot_token.get_secret_value())
    from telegram.error import InvalidToken

    from bot.app import run
    from bot.checklist import ChecklistError
    from bot.i18n import CatalogError
    from bot.issuance.config import IssuanceConfigError
    from bot.privacy import PrivacyNoticeError
    from bot.startup import TelegramUnreachable
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
    except InvalidToken:
        print(
            "configuration error: CERTBOT_BOT_TOKEN was rejected by Telegram (401 Unauthorized):"
            " check it with @BotFather",
            file=sys.stderr,
        )
        return 2
    except TelegramUnreachable as error:
        print(f"start-up failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
