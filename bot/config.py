"""Settings from the environment and an optional ``.env`` file.

Every setting has the ``CERTBOT_`` prefix, e.g. ``CERTBOT_BOT_TOKEN``. A missing or malformed
setting stops start-up with one line naming the setting (see ``load_settings``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Language = Literal["th", "en"]
SUPPORTED_LANGUAGES: tuple[Language, ...] = ("th", "en")

REPO_ROOT = Path(__file__).resolve().parent.parent

# A Bot API token is "<bot id>:<secret>"; checking the shape catches a pasted URL or a typo
# before the first request fails with a less helpful 401/404.
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CERTBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    bot_token: SecretStr = Field(description="token from @BotFather")
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    data_dir: Path = Path("./data")
    default_language: Language = "th"
    timezone: str = "Asia/Bangkok"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    locales_dir: Path = REPO_ROOT / "locales"
    checklist_file: Path = REPO_ROOT / "bot" / "checklist.toml"
    privacy_notice_file: Path = REPO_ROOT / "bot" / "privacy_notice.toml"
    # How often PTB flushes conversation state; our own drafts are saved as they fill.
    persistence_interval_seconds: float = Field(default=5.0, gt=0, le=600)
    outbox_interval_seconds: float = Field(default=2.0, gt=0, le=600)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.match(value.get_secret_value()):
            # Never echo the value: it is a secret even when malformed.
            raise ValueError("must look like 123456789:AA... as given by @BotFather")
        return value

    @field_validator("api_base_url", "api_file_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # "123, 456" from the environment; a list when built in code.
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def database_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


class SettingsError(Exception):
    """One readable line naming the setting that is wrong and why."""


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "settings"
    env_name = f"CERTBOT_{field.upper()}"
    if first["type"] == "missing":
        return f"{env_name} is not set: {Settings.model_fields[field].description or 'required'}"
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{env_name} is invalid: {message}"


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ``SettingsError`` with one line on the first problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
