"""What a person is in the middle of between two updates, in one home: typed models in their
``user_data``, which ``bot.persistence`` saves with the conversation state after every update,
so a restart in between loses nothing.

Each kind of state is a ``Step`` subclass with its own ``key``; ``load`` validates what comes
back, so a value written by an older version of the bot (or garbled) reads as nothing rather
than as half a state. (The wizards' answers are drafts the services keep in the database.)
"""

from __future__ import annotations

from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.runtime import BotContext


class Step(BaseModel):
    """One kind of in-flight state; ``key`` names its place in ``user_data``."""

    model_config = ConfigDict(extra="forbid")

    key: ClassVar[str]


S = TypeVar("S", bound=Step)


def load(context: BotContext, kind: type[S]) -> S | None:
    raw = (context.user_data or {}).get(kind.key)
    try:
        return kind.model_validate(raw) if raw is not None else None
    except ValidationError:
        return None  # written by an older version of the bot: start again


def save(context: BotContext, step: Step) -> None:
    assert context.user_data is not None
    context.user_data[step.key] = step.model_dump(mode="json")


def drop(context: BotContext, kind: type[Step]) -> None:
    if context.user_data is not None:
        context.user_data.pop(kind.key, None)


def pop(context: BotContext, kind: type[S]) -> S | None:
    found = load(context, kind)
    drop(context, kind)
    return found
