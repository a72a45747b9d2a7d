"""What one feature hands to the application: nothing is registered behind anyone's back.

Each feature module has a ``feature()`` that returns one ``Feature``: its PTB handlers, the
buttons it makes (the guard lets only those through), what /start shows a role it owns, the
buttons under the notifications it knows, and the files made when one of its notifications is
sent. ``bot.app`` lists the features in one ordered place and passes each part where it goes.

Some steps of a feature wait for typed text: those join their side's ``Conversation`` (one
per side, so a person is in at most one of its flows at a time) as entry points and states.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, ConversationHandler
from telegram.warnings import PTBUserWarning

from bot.callbacks import Button
from bot.outbox import Document, NotificationButtons
from bot.runtime import BotContext
from bot.workflow import Role

Handler = BaseHandler[Update, BotContext, Any]
StartScreen = Callable[[Update, BotContext], Awaitable[None]]


@dataclass(frozen=True)
class Conversation:
    """One side's persistent conversation, put together from the features that join it."""

    name: str
    fallbacks: Callable[[], Sequence[Handler]]
    entry_points: Callable[[], Sequence[Handler]] = lambda: ()
    """Entry points of the conversation itself (after the features' own)."""

    def build(self, parts: Sequence[Feature]) -> ConversationHandler[BotContext]:
        states: dict[object, list[Handler]] = {}
        for part in parts:
            for state, handlers in part.states.items():
                states.setdefault(state, []).extend(handlers)
        with warnings.catch_warnings():
            # Buttons and typed text in one conversation: PTB warns that with per_message=False
            # it tracks the conversation per chat, which is exactly what is wanted here.
            warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
            return ConversationHandler(
                entry_points=[
                    *(h for part in parts for h in part.entry_points),
                    *self.entry_points(),
                ],
                states=states,
                fallbacks=list(self.fallbacks()),
                name=self.name,
                persistent=True,
                allow_reentry=True,
            )


@dataclass(frozen=True)
class Feature:
    name: str
    buttons: Sequence[type[Button]] = ()
    """Every kind of button the feature makes (and handles)."""
    handlers: Sequence[Handler] = ()
    """Handlers outside any conversation, in the order PTB should consult them."""
    conversation: Conversation | None = None
    """The conversation ``entry_points`` and ``states`` join."""
    entry_points: Sequence[Handler] = ()
    states: Mapping[object, Sequence[Handler]] = field(default_factory=dict)
    start_screens: Mapping[Role, StartScreen] = field(default_factory=dict)
    """What /start shows a role (its menu); roles nobody claims get welcome and help."""
    notification_buttons: Mapping[str, NotificationButtons] = field(default_factory=dict)
    documents: Mapping[str, Document] = field(default_factory=dict)
    """A file made at send time for notifications of a kind (say, "pickup": its .ics)."""
