"""The document checklist, read from a TOML file an admin can replace (CERTBOT_CHECKLIST_FILE)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_CHECKLIST = Path(__file__).with_name("checklist.toml")

# Item keys travel in callback data and file names: keep them short ASCII.
_KEY = r"^[a-z][a-z0-9_]{0,30}$"


class ChecklistItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str = Field(pattern=_KEY)
    name_th: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    required: bool = True
    multiple: bool = False

    def name(self, lang: str) -> str:
        return self.name_th if lang == "th" else self.name_en


class Checklist(BaseModel):
    model_config = ConfigDict(frozen=True)

    items: tuple[ChecklistItem, ...] = Field(alias="item", min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Checklist:
        keys = [i.key for i in self.items]
        if len(keys) != len(set(keys)):
            raise ValueError("item keys must be unique")
        if "certificate" in keys:
            raise ValueError("'certificate' is reserved for the signed certificate scan")
        return self

    @property
    def required(self) -> tuple[ChecklistItem, ...]:
        return tuple(i for i in self.items if i.required)

    def get(self, key: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.key == key), None)


class ChecklistError(Exception):
    pass


def load_checklist(path: Path = DEFAULT_CHECKLIST) -> Checklist:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
        return Checklist.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ChecklistError(f"checklist {path}: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ChecklistError(f"checklist {path}: {where}: {first['msg']}") from None


def check_key(key: str) -> bool:
    return re.match(_KEY, key) is not None
