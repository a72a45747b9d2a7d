"""The privacy notice people accept before the bot collects anything about them.

Its text lives in a TOML file an administrator can change (CERTBOT_PRIVACY_NOTICE_FILE), in
Thai and English, with a version. Acceptances are recorded per version, so publishing a new
version (a new ``version`` string) asks everyone to read and accept it again.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_NOTICE = Path(__file__).with_name("privacy_notice.toml")

# Leaves room, within Telegram's 4096 characters, for the line that asks to accept.
MAX_TEXT = 3500


class PrivacyNotice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(pattern=r"^[A-Za-z0-9._-]{1,40}$")
    text_th: str = Field(min_length=1, max_length=MAX_TEXT)
    text_en: str = Field(min_length=1, max_length=MAX_TEXT)

    def text(self, lang: str) -> str:
        return (self.text_th if lang == "th" else self.text_en).strip()


class PrivacyNoticeError(Exception):
    pass


def load_privacy_notice(path: Path = DEFAULT_NOTICE) -> PrivacyNotice:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return PrivacyNotice.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PrivacyNoticeError(f"privacy notice {path}: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PrivacyNoticeError(f"privacy notice {path}: {where}: {first['msg']}") from None
