"""People: recording who wrote to us, their language, the configured admins."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from bot.i18n import Language, choose_language
from storage import users as users_repo
from storage.db import Database
from storage.models import User


class UserService:
    def __init__(self, db: Database, default_language: str, clock: Callable[[], datetime]):
        self.db = db
        self.default_language = default_language
        self.clock = clock

    async def seen(self, user_id: int, display_name: str, telegram_language: str | None) -> User:
        """The person as stored, created on first contact; written only when something changed."""
        user = await users_repo.get(self.db.conn, user_id)
        if (
            user is None
            or user.display_name != display_name
            or user.telegram_language != telegram_language
            or not user.reachable
        ):
            async with self.db.transaction() as conn:
                await users_repo.touch(conn, user_id, display_name, telegram_language, self.clock())
                user = await users_repo.get(conn, user_id)
        assert user is not None
        return user

    async def get(self, user_id: int) -> User | None:
        return await users_repo.get(self.db.conn, user_id)

    def language_of(self, user: User | None, telegram_language: str | None = None) -> Language:
        saved = user.language if user else None
        reported = telegram_language or (user.telegram_language if user else None)
        return choose_language(saved, reported, self.default_language)

    async def set_language(self, user_id: int, language: Language) -> None:
        async with self.db.transaction() as conn:
            await users_repo.set_language(conn, user_id, language, self.clock())

    async def ensure_admins(self, ids: Iterable[int]) -> None:
        async with self.db.transaction() as conn:
            await users_repo.ensure_admins(conn, ids, self.clock())
