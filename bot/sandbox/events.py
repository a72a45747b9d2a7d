"""Turns what happens on the fake Bot API into small JSON events for the open pages.

``FakeTelegram`` calls listeners synchronously on the event loop, so an event is queued for
every subscriber (one per open page) without awaiting; each page's stream drains its queue.
A page that stops reading is dropped rather than let the queue grow: when it reconnects it
gets a fresh snapshot anyway.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.sandbox import transcript
from bot.sandbox.people import PEOPLE, by_user_id
from bot.testing.fake_telegram import AnsweredCallback, FakeEvent, FakeTelegram, RecordedRequest

JSON = dict[str, Any]
QUEUE_SIZE = 1000
_MENU_METHODS = frozenset({"setMyCommands", "deleteMyCommands"})


class EventHub:
    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self._subscribers: set[asyncio.Queue[JSON | None]] = set()
        fake.add_listener(self._on_fake_event)

    def subscribe(self) -> asyncio.Queue[JSON | None]:
        queue: asyncio.Queue[JSON | None] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[JSON | None]) -> None:
        self._subscribers.discard(queue)

    def publish(self, event: JSON) -> None:
        for queue in list(self._subscribers):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(queue)

    def _drop(self, queue: asyncio.Queue[JSON | None]) -> None:
        self._subscribers.discard(queue)
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)  # ends that page's stream; the page reconnects

    def close(self) -> None:
        """End every open stream (``None`` tells it to finish) and stop listening."""
        self.fake.remove_listener(self._on_fake_event)
        for queue in list(self._subscribers):
            self._drop(queue)

    def publish_profile(self, role: str) -> None:
        who = next(p for p in PEOPLE if p.role == role)
        state = transcript.chat(self.fake, who)
        self.publish(
            {
                "type": "profile",
                "role": role,
                "language": state["language"],
                "commands": state["commands"],
            }
        )

    # ---- from the fake ----

    def _on_fake_event(self, event: FakeEvent) -> None:
        if event.kind == "request":
            self._on_request(event.data)
            return
        who = by_user_id(event.chat_id)
        if who is None:
            return  # a demo person nobody plays
        if event.kind in ("message", "edit", "delete") and event.message is not None:
            message = transcript.bot_message(event.message)
            self.publish({"type": "message", "role": who.role, "message": message})
        elif event.kind == "update":
            self._on_update(who.role, event.data)
        elif event.kind == "callback_answer" and isinstance(event.data, AnsweredCallback):
            answer = event.data
            self.publish(
                {
                    "type": "answer",
                    "role": who.role,
                    "text": answer.text,
                    "alert": answer.show_alert,
                }
            )
        elif event.kind == "chat_action":
            self.publish({"type": "action", "role": who.role, "action": str(event.data)})

    def _on_update(self, role: str, update: Any) -> None:
        if not isinstance(update, dict):
            return
        for key in ("message", "edited_message"):
            raw = update.get(key)
            if isinstance(raw, dict):
                message = transcript.user_message(raw)
                self.publish({"type": "message", "role": role, "message": message})

    def _on_request(self, record: Any) -> None:
        # The command menu changed (for one chat or for everyone): refresh every menu.
        if (
            isinstance(record, RecordedRequest)
            and record.method in _MENU_METHODS
            and not record.failed
        ):
            for who in PEOPLE:
                self.publish_profile(who.role)
