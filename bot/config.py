"""Settings from the environment and an optional ``.env`` file.

Every setting has the ``CERTBOT_`` prefix, e.g. ``CERTBOT_BOT_TOKEN``. A missing or malformed
setting stops start-up with one line naming the setting (see ``load_settings``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.reminders import ReminderSettings, Stage

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
    # Offices per province, signers and the wording of the memo and certificate drafts.
    office_file: Path = REPO_ROOT / "bot" / "issuance" / "office.toml"
    # Largest file the Bot API server takes from the bot (the public one: 50 MB); a print pack
    # above it is sent in numbered parts.
    upload_limit_mb: int = Field(default=50, ge=1, le=2000)
    # How often PTB flushes conversation state; our own drafts are saved as they fill.
    persistence_interval_seconds: float = Field(default=5.0, gt=0, le=600)
    outbox_interval_seconds: float = Field(default=2.0, gt=0, le=600)
    # Stay under Telegram's limits: ~30 messages a second overall, one a second per chat.
    outbox_per_second: int = Field(default=29, ge=1, le=1000)
    outbox_per_chat_interval: float = Field(default=1.0, ge=0, le=60)
    # Start-up while Telegram cannot be reached (bot/startup.py): the first retry after this
    # many seconds, doubling up to five minutes; 0 attempts keeps trying for ever.
    startup_retry_seconds: float = Field(default=2.0, gt=0, le=300)
    startup_attempts: int = Field(default=0, ge=0)
    # Per-person flood limit (bot/fairness.py): updates in any window of this many seconds,
    # for people with a role and for newcomers; far above anyone's pace by hand. 0: no limit.
    flood_window_seconds: float = Field(default=10.0, gt=0, le=3600)
    flood_limit: int = Field(default=40, ge=0)
    flood_limit_newcomer: int = Field(default=20, ge=0)
    # Reminders (bot/reminders.py). Officer thresholds are working days per stage.
    reminders_enabled: bool = True
    reminder_scan_interval_seconds: float = Field(default=300.0, gt=0, le=3600)
    officer_reminder_days_preliminary: int = Field(default=3, ge=1, le=60)
    officer_reminder_days_consideration: int = Field(default=3, ge=1, le=60)
    officer_reminder_days_issuance: int = Field(default=3, ge=1, le=60)
    escalation_factor: int = Field(default=2, ge=2, le=10)
    applicant_reminder_days: Annotated[tuple[int, ...], NoDecode] = (7, 14)
    abandon_after_days: int = Field(default=30, ge=0, le=365)
    """Calendar days a correction may wait before the case is closed; 0 never closes."""
    final_warning_days_before: int = Field(default=3, ge=1, le=30)
    digest_time: dt.time = dt.time(8, 30)
    quiet_hours_start: dt.time = dt.time(20, 0)
    quiet_hours_end: dt.time = dt.time(7, 0)

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

    @field_validator("applicant_reminder_days", mode="before")
    @classmethod
    def _split_days(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return tuple(int(p) for p in re.split(r"[,\s]+", value.strip()) if p)
            except ValueError:
                raise ValueError("must be whole numbers of days separated by commas") from None
        return value

    @field_validator("applicant_reminder_days")
    @classmethod
    def _positive_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(d < 1 for d in value):
            raise ValueError("days must be 1 or more")
        return tuple(sorted(set(value)))

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
    def reminders(self) -> ReminderSettings:
        return ReminderSettings(
            officer_days={
                Stage.PRELIMINARY: self.officer_reminder_days_preliminary,
                Stage.CONSIDERATION: self.officer_reminder_days_consideration,
                Stage.ISSUANCE: self.officer_reminder_days_issuance,
            },
            escalation_factor=self.escalation_factor,
            applicant_reminder_days=self.applicant_reminder_days,
            abandon_after_days=self.abandon_after_days,
            final_warning_days_before=self.final_warning_days_before,
            digest_time=self.digest_time,
            quiet_start=self.quiet_hours_start,
            quiet_end=self.quiet_hours_end,
        )

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
