"""Button presses: the ids of callback queries and the bot's answers to them."""

from __future__ import annotations

import time

from bot.testing.fake_telegram.files import Files
from bot.testing.fake_telegram.model import (
    AnsweredCallback,
    FakeEvent,
)
from bot.testing.fake_telegram.wire import (
    ApiError,
    Req,
)


class Callbacks(Files):
    """``answerCallbackQuery``, checked against the query the user's press made."""

    def _new_callback_id(self) -> str:
        return str(4_200_000_000_000_000_000 + next(self._callback_counter))

    async def _m_answer_callback_query(self, req: Req) -> bool:
        query_id = req.get_str("callback_query_id")
        if not query_id or query_id not in self._callback_owner:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        text = req.get_str("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        answer = AnsweredCallback(
            query_id=query_id,
            user_id=self._callback_owner[query_id],
            text=text,
            show_alert=req.get_bool("show_alert"),
            url=req.get_str("url"),
            cache_time=req.get_int("cache_time"),
            time=time.monotonic(),
        )
        self.answered_callbacks.append(answer)
        self._emit(FakeEvent("callback_answer", answer.user_id, data=answer))
        return True
