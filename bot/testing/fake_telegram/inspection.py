"""What tests read back: recorded calls, messages per chat, listeners, and waiting."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from bot.testing.fake_telegram.faults import Faults
from bot.testing.fake_telegram.model import FakeEvent, RecordedRequest, SentMessage, StoredFile
from bot.testing.fake_telegram.profile import commands_key
from bot.testing.fake_telegram.wire import JSONDict


class Inspection(Faults):
    """Reading what happened, and waiting for it to happen."""

    @property
    def requests(self) -> list[RecordedRequest]:
        """Recorded calls except ``getUpdates`` (a new list each time)."""
        return [r for r in self._log if r.method != "getUpdates"]

    @property
    def all_requests(self) -> list[RecordedRequest]:
        """All recorded calls including ``getUpdates``."""
        return list(self._log)

    @property
    def last_seq(self) -> int:
        """``seq`` of the latest recorded request (0 if none), for ``wait_for_request(after=)``."""
        return self._log[-1].seq if self._log else 0

    def calls(self, method: str, *, include_failed: bool = False) -> list[RecordedRequest]:
        """Recorded calls of one method (case-insensitive)."""
        wanted = method.lower()
        return [
            r for r in self._log if r.method.lower() == wanted and (include_failed or not r.failed)
        ]

    def clear_requests(self) -> None:
        self._log.clear()

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in a chat, oldest first, in their current state."""
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.bot_messages if include_deleted or not m.deleted]

    def mark(self, chat_id: int) -> int:
        """The highest message id used so far in the chat (by either side), to pass as
        ``wait_for_message(..., after=mark)`` so only newer messages count."""
        chat = self._chats.get(chat_id)
        return chat.last_message_id if chat else 0

    def last_message(self, chat_id: int) -> SentMessage | None:
        messages = self.messages(chat_id)
        return messages[-1] if messages else None

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        chat = self._chats.get(chat_id)
        return chat.by_id.get(message_id) if chat else None

    def incoming_messages(self, chat_id: int) -> list[JSONDict]:
        """Messages the fake user sent in this chat (current versions), oldest first."""
        chat = self._chats.get(chat_id)
        return [chat.incoming[k] for k in sorted(chat.incoming)] if chat else []

    def chat_ids(self) -> list[int]:
        return sorted(self._chats)

    def file(self, file_id: str) -> StoredFile | None:
        return self._files.get(file_id)

    def commands(
        self, scope: JSONDict | None = None, language_code: str | None = None
    ) -> list[JSONDict]:
        """Commands last set with ``setMyCommands`` for that scope and language."""
        return list(self._commands.get(commands_key(scope, language_code), []))

    @property
    def webhook_url(self) -> str:
        return self._webhook_url

    def describe(self, chat_id: int) -> str:
        """A readable transcript of what the bot sent to a chat plus recent failures."""
        lines = [f"bot messages in chat {chat_id}:"]
        messages = self.messages(chat_id, include_deleted=True)
        lines += [f"  {m.describe()}" for m in messages] or ["  (none)"]
        failed = [r for r in self._log if r.failed and r.chat_id in (chat_id, None)][-10:]
        if failed:
            lines.append("failed calls:")
            lines += [
                f"  {r.method} chat={r.chat_id} -> {r.status} {r.description}" for r in failed
            ]
        return "\n".join(lines)

    def add_listener(self, callback: Callable[[FakeEvent], object]) -> None:
        """Call ``callback(event)`` synchronously for every :class:`FakeEvent`."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[FakeEvent], object]) -> None:
        with contextlib.suppress(ValueError):
            self._listeners.remove(callback)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> bool:
        """Wait until ``condition()`` is true (re-checked on every change); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._changed
            if condition():
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    async def wait_for_message(
        self,
        chat_id: int,
        predicate: Callable[[SentMessage], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        after: int | None = None,
    ) -> SentMessage:
        """The first (oldest) bot message in the chat with ``message_id > after`` (any, if
        ``after`` is None) that matches ``predicate`` in its current state.

        Message ids in a private chat are shared by both sides, so ``after`` can be the
        ``message_id`` of what the user just sent, or ``fake.mark(chat_id)`` taken before
        the action (not a message count). Raises AssertionError with a transcript of
        what was received if nothing matches within ``timeout`` seconds.
        """
        found: list[SentMessage] = []

        def check() -> bool:
            for message in self.messages(chat_id):
                if after is not None and message.message_id <= after:
                    continue
                if predicate is None or predicate(message):
                    found.append(message)
                    return True
            return False

        if await self.wait_until(check, timeout):
            return found[0]
        raise AssertionError(
            f"no bot message in chat {chat_id} matched within {timeout}s "
            f"(after={after}, predicate={'set' if predicate else 'none'}).\n"
            + self.describe(chat_id)
            + self._polling_hint()
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        after: int | None = None,
    ) -> RecordedRequest:
        """The first recorded call of ``method`` (failed ones included) with
        ``seq > after`` that matches ``predicate``. Use ``after=fake.last_seq`` to ignore
        earlier calls."""
        wanted = method.lower()
        found: list[RecordedRequest] = []

        def check() -> bool:
            for request in self._log:
                if request.method.lower() != wanted:
                    continue
                if after is not None and request.seq <= after:
                    continue
                if predicate is None or predicate(request):
                    found.append(request)
                    return True
            return False

        if await self.wait_until(check, timeout):
            return found[0]
        recent = "\n".join(f"  {r!r}" for r in self.requests[-15:]) or "  (none)"
        raise AssertionError(
            f"no {method} request matched within {timeout}s (after={after}). "
            f"Recent requests:\n{recent}"
        )

    async def wait_delivered(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        confirmed: bool = True,
    ) -> None:
        """Wait until every update enqueued so far has been handed to the bot by getUpdates
        and (``confirmed=True``, the default) confirmed by a later getUpdates with a higher
        offset. PTB puts fetched updates into ``update_queue`` before confirming them, so
        follow this with ``await application.update_queue.join()`` to know they were
        processed. With ``confirmed=False`` it only waits until they were handed out."""
        target = self._next_update_id - 1

        def check() -> bool:
            for update in self._updates:
                update_id = int(update["update_id"])
                if update_id > target:
                    continue
                if confirmed or update_id > self._handed_out_max:
                    return False
            return True

        if await self.wait_until(check, timeout):
            return
        waiting = [u["update_id"] for u in self._updates if u["update_id"] <= target]
        raise AssertionError(
            f"updates {waiting} were not {'confirmed' if confirmed else 'fetched'} by the bot "
            f"within {timeout}s (handed out up to {self._handed_out_max})." + self._polling_hint()
        )

    def _polling_hint(self) -> str:
        if self.last_poll_time is None:
            return "\n(the bot never called getUpdates: is polling started?)"
        ago = time.monotonic() - self.last_poll_time
        return f"\n(last getUpdates call {ago:.1f}s ago; {len(self._updates)} update(s) pending)"
