"""What an officer has chosen so far for a pickup appointment or a signed scan.

An in-flight step (``handlers.inflight``: saved after every update, so a restart loses nothing,
and validated whenever it is read back). Every button names the case and version too: a draft for
another case, or for a version since changed, is never used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from bot.kernel.inputs import FileMeta
from bot.runtime import BotContext
from handlers import inflight

Expects = Literal["date", "place", "note", "confirm", "scan", "send"]


class ScanFile(BaseModel):
    """A checked file already in the file store (``bot.kernel.inputs.FileMeta`` as JSON)."""

    model_config = ConfigDict(extra="forbid")

    file_name: str
    mime_type: str
    size: int
    sha256: str
    telegram_file_id: str = ""

    def meta(self) -> FileMeta:
        return FileMeta(**self.model_dump())


class IssuanceDraft(inflight.Step):
    key = "officer_issuance"
    kind: Literal["pickup", "scan"]
    case_id: int
    version: int
    expects: Expects
    starts_at: AwareDatetime | None = None
    place: str | None = None
    """None: the office's own place from the configuration."""
    note: str | None = None
    scan: ScanFile | None = None

    def is_for(self, kind: str, case_id: int, version: int) -> bool:
        return (self.kind, self.case_id, self.version) == (kind, case_id, version)


def load(context: BotContext) -> IssuanceDraft | None:
    return inflight.load(context, IssuanceDraft)


def save(context: BotContext, draft: IssuanceDraft | None) -> None:
    """Keep what is chosen so far; None: the officer is done with it."""
    if draft is None:
        inflight.drop(context, IssuanceDraft)
    else:
        inflight.save(context, draft)
