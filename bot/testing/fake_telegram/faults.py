"""Error injection: failures like the real API's, blocked users, slow methods."""

from __future__ import annotations

from bot.testing.fake_telegram.model import FailureRule
from bot.testing.fake_telegram.profile import BotProfile
from bot.testing.fake_telegram.wire import JSONDict, coerce_chat_id

_HTTP_PHRASES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Request Entity Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class Faults(BotProfile):
    """What a test makes go wrong."""

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` ("*" = any except getUpdates),
        optionally only those to ``chat_id``, fail like the real API with ``status``.

        429 defaults to ``retry_after=1`` and "Too Many Requests: retry after N"; other
        statuses get "Internal Server Error", "Bad Gateway", "Bad Request: ..." etc.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            phrase = _HTTP_PHRASES.get(status, "Error")
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status in (400, 403, 409):
                description = {
                    400: "Bad Request: injected failure",
                    403: "Forbidden: injected failure",
                    409: "Conflict: injected failure",
                }[status]
            else:
                description = phrase
        self._failures.append(
            FailureRule(
                method=method.lower(),
                status=status,
                description=description,
                retry_after=retry_after,
                times=times,
                chat_id=chat_id,
            )
        )

    def clear_failures(self) -> None:
        self._failures.clear()

    def block(self, chat_id: int) -> None:
        """Sends to this chat fail with 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def is_blocked(self, chat_id: int) -> bool:
        return chat_id in self._blocked

    def delay(self, method: str, seconds: float | None) -> None:
        """Delay every call of ``method`` ("*" = all but getUpdates) by ``seconds``;
        ``None``/0 removes the delay."""
        if seconds:
            self._delays[method.lower()] = seconds
        else:
            self._delays.pop(method.lower(), None)

    def _take_failure(self, method: str, params: JSONDict) -> FailureRule | None:
        chat_id = coerce_chat_id(params.get("chat_id"))
        for rule in self._failures:
            if rule.method == "*":
                if method == "getUpdates":
                    continue
            elif rule.method != method.lower():
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            rule.times -= 1
            if rule.times <= 0:
                self._failures.remove(rule)
            return rule
        return None
