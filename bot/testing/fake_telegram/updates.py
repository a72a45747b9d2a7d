"""Users and the updates they cause: the queue ``getUpdates`` long-polls, and webhooks."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time

from bot.testing.fake_telegram.model import FakeEvent
from bot.testing.fake_telegram.state import FakeState
from bot.testing.fake_telegram.wire import ApiError, JSONDict, Req

# Update types the real API leaves out unless they are asked for explicitly.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Updates(FakeState):
    """Fake users, the update queue, ``getUpdates`` and the webhook methods."""

    def enqueue_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update for ``getUpdates``; ``update_id`` is assigned if missing."""
        update = dict(update)
        update_id = update.get("update_id")
        if isinstance(update_id, int):
            self._next_update_id = max(self._next_update_id, update_id + 1)
        else:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        query = update.get("callback_query")
        if isinstance(query, dict) and isinstance(query.get("id"), str):
            sender = query.get("from")
            if isinstance(sender, dict) and isinstance(sender.get("id"), int):
                self._callback_owner[query["id"]] = sender["id"]
        self._updates.append(update)
        self._emit(FakeEvent("update", _update_chat_id(update), data=update))
        self._notify()
        return update

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates enqueued but not yet confirmed by the bot."""
        return list(self._updates)

    def _confirm(self, offset: int | None) -> None:
        if not offset:
            return
        if offset > 0:
            keep = [u for u in self._updates if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        else:
            keep = self._updates[offset:]
        if len(keep) != len(self._updates):
            self._updates = keep
            self._notify()

    def _update_allowed(self, update: JSONDict) -> bool:
        kinds = [k for k in update if k != "update_id"]
        kind = kinds[0] if kinds else ""
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _NOT_DEFAULT_UPDATES

    def _drop_disallowed(self) -> None:
        keep: list[JSONDict] = []
        for update in self._updates:
            if self._update_allowed(update):
                keep.append(update)
            else:
                self.dropped_updates.append(update)
        if len(keep) != len(self._updates):
            self._updates = keep
            self._notify()

    async def _m_get_updates(self, req: Req) -> list[JSONDict]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = req.get_int("offset")
        limit = min(max(req.get_int("limit") or 100, 1), 100)
        timeout = max(req.get_float("timeout") or 0.0, 0.0)
        allowed = req.params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(a) for a in allowed] or None
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self.last_poll_time = time.monotonic()
        self._notify()  # lets an older, still waiting poll return

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        batch: list[JSONDict] = []
        while True:
            event = self._changed
            self._drop_disallowed()
            batch = self._updates[:limit]
            if batch:
                break
            remaining = deadline - loop.time()
            if remaining <= 0 or self._stopping or generation != self._poll_generation:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        if batch:
            self._handed_out_max = max(self._handed_out_max, int(batch[-1]["update_id"]))
            self._notify()
        return copy.deepcopy(batch)

    async def _m_set_webhook(self, req: Req) -> bool:
        self._webhook_url = req.get_str("url") or ""
        if req.get_bool("drop_pending_updates"):
            self._drop_all_pending()
        return True

    async def _m_delete_webhook(self, req: Req) -> bool:
        self._webhook_url = ""
        if req.get_bool("drop_pending_updates"):
            self._drop_all_pending()
        return True

    def _drop_all_pending(self) -> None:
        self.dropped_updates.extend(self._updates)
        self._updates = []
        self._notify()

    async def _m_get_webhook_info(self, req: Req) -> JSONDict:
        return {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }


def _update_chat_id(update: JSONDict) -> int | None:
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat")
        if chat is None and isinstance(value.get("message"), dict):
            chat = value["message"].get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = value.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None
