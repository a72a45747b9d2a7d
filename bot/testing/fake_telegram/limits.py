"""Telegram's flood limits, off unless a test passes ``RateLimits`` to ``FakeTelegram``."""

from __future__ import annotations

import collections


class RateLimits:
    """Telegram's flood limits, enforced like the real API: 429 with ``retry_after``.

    At most ``global_per_second`` sending calls in any one-second window, and at most one per
    ``per_chat_interval`` seconds to the same chat. Off unless passed to ``FakeTelegram``.
    """

    def __init__(self, global_per_second: int = 30, per_chat_interval: float = 1.0) -> None:
        self.global_per_second = global_per_second
        self.per_chat_interval = per_chat_interval
        self._recent: collections.deque[float] = collections.deque()
        self._last_in_chat: dict[int, float] = {}
        self.refused = 0

    def admit(self, chat_id: int | None, now: float) -> float:
        """0 if the call may go now (and count it), else seconds until it may."""
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        wait = 0.0
        if len(self._recent) >= self.global_per_second:
            wait = 1.0 - (now - self._recent[0])
        if chat_id is not None and chat_id in self._last_in_chat:
            wait = max(wait, self.per_chat_interval - (now - self._last_in_chat[chat_id]))
        if wait > 0:
            self.refused += 1
            return wait
        self._recent.append(now)
        if chat_id is not None:
            self._last_in_chat[chat_id] = now
        return 0.0


# Calls that deliver something to a chat, and so count against the flood limits.
RATE_LIMITED = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "editMessageText",
        "editMessageReplyMarkup",
        "editMessageCaption",
    }
)
