"""SQLitePersistence over a real SQLite file, alone and inside a real PTB Application."""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    filters,
)
from telegram.request import BaseRequest, RequestData

from bot.persistence import (
    BOT_DATA,
    CALLBACK_DATA,
    CHAT_DATA,
    USER_DATA,
    PersistenceDataError,
    SQLitePersistence,
    conversation_kind,
)
from storage import ptb_state
from storage.db import Database
from storage.migrate import migrate

TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Test", "username": "test_bot"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "bot.sqlite3"


async def open_db(path: Path) -> Database:
    db = await Database.open(path)
    await migrate(db)
    return db


@pytest.fixture
async def db(db_path: Path) -> AsyncIterator[Database]:
    database = await open_db(db_path)
    yield database
    await database.close()


async def rows(db: Database, kind: str) -> dict[str, str]:
    return await ptb_state.load_kind(db, kind)


# -- storage.ptb_state --------------------------------------------------------------------------


async def test_repository_upsert_load_delete(db: Database) -> None:
    await ptb_state.upsert(db, "k", "a", "1")
    await ptb_state.upsert(db, "k", "b", "2")
    await ptb_state.upsert(db, "k", "a", "3")
    await ptb_state.upsert(db, "other", "a", "4")
    assert await rows(db, "k") == {"a": "3", "b": "2"}
    assert await ptb_state.delete(db, "k", "a") is True
    assert await ptb_state.delete(db, "k", "a") is False
    assert await rows(db, "k") == {"b": "2"}
    assert await ptb_state.delete_kind(db, "k") == 1
    assert await rows(db, "k") == {}
    assert await rows(db, "other") == {"a": "4"}


# -- unit round-trips ---------------------------------------------------------------------------


async def test_empty_database_gives_empty_data(db: Database) -> None:
    p = SQLitePersistence(db)
    assert await p.get_user_data() == {}
    assert await p.get_chat_data() == {}
    assert await p.get_bot_data() == {}
    assert await p.get_callback_data() is None
    assert await p.get_conversations("wizard") == {}
    assert p.update_interval == 5.0
    assert p.store_data == PersistenceInput()


async def test_user_chat_bot_data_round_trip(db: Database, db_path: Path) -> None:
    p = SQLitePersistence(db)
    await p.update_user_data(7, {"name": "Ann", "tags": ["a", "b"], "n": 1.5, "ok": True})
    await p.update_user_data(-8, {"x": None})
    await p.update_chat_data(-100123, {"lang": "th", "nested": {"a": [1, {"b": 2}]}})
    await p.update_bot_data({"started": "2026-11-26T08:00:00+00:00", "count": 3})

    # Readable as plain JSON in the table.
    assert json.loads((await rows(db, USER_DATA))["7"])["name"] == "Ann"
    assert await rows(db, BOT_DATA) == {"-": '{"started":"2026-11-26T08:00:00+00:00","count":3}'}

    # A fresh persistence over a fresh connection reads the same back.
    db2 = await open_db(db_path)
    try:
        p2 = SQLitePersistence(db2)
        assert await p2.get_user_data() == {
            7: {"name": "Ann", "tags": ["a", "b"], "n": 1.5, "ok": True},
            -8: {"x": None},
        }
        assert await p2.get_chat_data() == {-100123: {"lang": "th", "nested": {"a": [1, {"b": 2}]}}}
        assert await p2.get_bot_data() == {"started": "2026-11-26T08:00:00+00:00", "count": 3}
    finally:
        await db2.close()


async def test_drop_and_empty_data_remove_rows(db: Database) -> None:
    p = SQLitePersistence(db)
    await p.update_user_data(1, {"a": 1})
    await p.update_user_data(2, {"a": 2})
    await p.update_chat_data(3, {"c": 3})
    await p.drop_user_data(1)
    await p.drop_chat_data(3)
    await p.drop_chat_data(999)  # unknown id: nothing to do, no error
    assert await rows(db, USER_DATA) == {"2": '{"a":2}'}
    assert await rows(db, CHAT_DATA) == {}
    # PTB hands over {} for every user it has seen; that needs no row.
    await p.update_user_data(2, {})
    await p.update_user_data(4, {})
    assert await rows(db, USER_DATA) == {}
    assert await SQLitePersistence(db).get_user_data() == {}


async def test_callback_data_round_trip(db: Database) -> None:
    p = SQLitePersistence(db)
    data = (
        [("uuid-1", 1700000000.5, {"btn-1": "yes", "btn-2": {"case": 12}})],
        {"query-9": "uuid-1"},
    )
    await p.update_callback_data(data)
    restored = await SQLitePersistence(db).get_callback_data()
    assert restored == data
    assert restored is not None
    assert isinstance(restored, tuple)
    assert isinstance(restored[0][0], tuple)


async def test_conversations_round_trip_with_tuple_keys(db: Database) -> None:
    p = SQLitePersistence(db)
    await p.update_conversation("wizard", (111, 222), "ASK_AGE")
    await p.update_conversation("wizard", (333,), 2)
    await p.update_conversation("wizard", (111, 222, "inline-abc"), "PICK")
    await p.update_conversation("other", (111, 222), 0)
    assert await rows(db, conversation_kind("wizard")) == {
        "[111,222]": '"ASK_AGE"',
        "[333]": "2",
        '[111,222,"inline-abc"]': '"PICK"',
    }

    conversations = await SQLitePersistence(db).get_conversations("wizard")
    assert conversations == {(111, 222): "ASK_AGE", (333,): 2, (111, 222, "inline-abc"): "PICK"}
    assert all(isinstance(key, tuple) for key in conversations)

    # None means the conversation ended: the row goes.
    await p.update_conversation("wizard", (111, 222), None)
    await p.update_conversation("wizard", (444, 555), None)  # never stored: fine
    assert await SQLitePersistence(db).get_conversations("wizard") == {
        (333,): 2,
        (111, 222, "inline-abc"): "PICK",
    }
    assert await SQLitePersistence(db).get_conversations("other") == {(111, 222): 0}


async def test_unchanged_data_is_not_rewritten(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = SQLitePersistence(db)
    await p.update_bot_data({"a": 1})
    calls: list[tuple[str, str]] = []
    real_upsert = ptb_state.upsert

    async def counting_upsert(db: Database, kind: str, key: str, value: str) -> None:
        calls.append((kind, key))
        await real_upsert(db, kind, key, value)

    monkeypatch.setattr(ptb_state, "upsert", counting_upsert)
    await p.update_bot_data({"a": 1})
    assert calls == []
    await p.update_bot_data({"a": 2})
    assert calls == [(BOT_DATA, "-")]

    # After loading, unchanged rows are known too.
    p2 = SQLitePersistence(db)
    await p2.get_bot_data()
    await p2.update_bot_data({"a": 2})
    assert calls == [(BOT_DATA, "-")]


class PlainState(enum.Enum):
    A = 1


class TextState(enum.StrEnum):
    ASK = "ASK"


class NumberState(enum.IntEnum):
    TWO = 2


async def test_str_and_int_enum_states_are_stored_as_their_values(db: Database) -> None:
    p = SQLitePersistence(db)
    await p.update_conversation("wizard", (1,), TextState.ASK)
    await p.update_conversation("wizard", (2,), NumberState.TWO)
    assert await rows(db, conversation_kind("wizard")) == {"[1]": '"ASK"', "[2]": "2"}
    restored = await SQLitePersistence(db).get_conversations("wizard")
    # They come back as plain str/int, which equal (and hash like) the members, so
    # ConversationHandler.states[...] still finds them.
    assert restored == {(1,): TextState.ASK, (2,): NumberState.TWO}
    assert {TextState.ASK: "found"}[restored[(1,)]] == "found"  # type: ignore[index]


# -- non-JSON data fails loudly -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"when": dt.datetime(2026, 1, 1)}, "value['when'] is a datetime.datetime"),
        ({"pair": (1, 2)}, "value['pair'] is a tuple, which is not JSON (it would come back"),
        ({"ids": {1, 2}}, "value['ids'] is a set"),
        ({"by_id": {5: "x"}}, "value['by_id'] has the int key 5"),
        ({"x": [1, float("nan")]}, "value['x'][1] is nan (not finite)"),
        ({"obj": object()}, "value['obj'] is a object"),
    ],
)
async def test_non_json_user_data_raises_clear_error(
    db: Database, data: dict[str, Any], fragment: str
) -> None:
    p = SQLitePersistence(db)
    with pytest.raises(PersistenceDataError) as info:
        await p.update_user_data(42, data)
    message = str(info.value)
    assert "user_data '42'" in message
    assert fragment in message
    assert "JSON on purpose" in message
    assert (info.value.kind, info.value.key) == (USER_DATA, "42")
    assert await rows(db, USER_DATA) == {}  # nothing half-written


async def test_non_json_errors_name_every_kind(db: Database) -> None:
    p = SQLitePersistence(db)
    with pytest.raises(PersistenceDataError, match=r"chat_data '-5'"):
        await p.update_chat_data(-5, {"d": dt.date(2026, 1, 1)})
    with pytest.raises(PersistenceDataError, match=r"bot_data '-'.*value\['s'\] is a set"):
        await p.update_bot_data({"s": set()})
    with pytest.raises(PersistenceDataError, match=r"callback_data '-'.*\[0\]\[2\]\['b'\]"):
        await p.update_callback_data(([("u", 1.0, {"b": object()})], {}))
    with pytest.raises(PersistenceDataError, match=r"conversation:wizard '\[1,2\]'.*PlainState"):
        await p.update_conversation("wizard", (1, 2), PlainState.A)
    with pytest.raises(PersistenceDataError, match=r"conversation:wizard '\[1,2\]'.*list"):
        await p.update_conversation("wizard", (1, 2), ["not", "hashable"])
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(PersistenceDataError, match="contains itself"):
        await p.update_bot_data(loop)


async def test_corrupt_row_is_reported(db: Database) -> None:
    await ptb_state.upsert(db, USER_DATA, "7", "{not json")
    with pytest.raises(PersistenceDataError, match=r"user_data '7'.*not JSON"):
        await SQLitePersistence(db).get_user_data()
    await ptb_state.upsert(db, conversation_kind("w"), "(1, 2)", '"A"')
    with pytest.raises(PersistenceDataError, match=r"conversation:w '\(1, 2\)'"):
        await SQLitePersistence(db).get_conversations("w")
    await ptb_state.upsert(db, CALLBACK_DATA, "-", "[]")
    with pytest.raises(PersistenceDataError, match="callback_data"):
        await SQLitePersistence(db).get_callback_data()


# -- inside a real Application ------------------------------------------------------------------


class OfflineRequest(BaseRequest):
    """Answers getMe; any other Bot API call fails the test (these handlers make none)."""

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        if url.endswith("/getMe"):
            return 200, json.dumps({"ok": True, "result": BOT_USER}).encode()
        raise AssertionError(f"unexpected Bot API call in an offline test: {url}")


ASK_NAME, ASK_AGE = "ASK_NAME", "ASK_AGE"
USER_ID = 5550001
_ids = itertools.count(1)


def message_update(text: str, user_id: int = USER_ID) -> dict[str, Any]:
    n = next(_ids)
    message: dict[str, Any] = {
        "message_id": n,
        "date": 1_780_000_000,
        "chat": {"id": user_id, "type": "private", "first_name": "Ann"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ann"},
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": n, "message": message}


def build_app(
    db: Database, seen: list[tuple[str, str]]
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The application and its persistent wizard; the callbacks record what they saw."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
        seen.append(("start", ""))
        return ASK_NAME

    async def got_name(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
        assert update.message is not None and update.message.text is not None
        assert context.user_data is not None
        context.user_data["name"] = update.message.text
        seen.append(("name", update.message.text))
        return ASK_AGE

    async def got_age(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        assert update.message is not None and update.message.text is not None
        assert context.user_data is not None
        seen.append(("age", f"{context.user_data.get('name')}:{update.message.text}"))
        return ConversationHandler.END

    text = filters.TEXT & ~filters.COMMAND
    application = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(OfflineRequest())
        .get_updates_request(OfflineRequest())
        .persistence(SQLitePersistence(db))
        .updater(None)
        .build()
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("start", start)],
            states={
                ASK_NAME: [MessageHandler(text, got_name)],
                ASK_AGE: [MessageHandler(text, got_age)],
            },
            fallbacks=[],
            name="wizard",
            persistent=True,
        )
    )
    return application


async def feed(application: Application[Any, Any, Any, Any, Any, Any], text: str) -> None:
    await application.process_update(Update.de_json(message_update(text), application.bot))


async def test_conversation_survives_restart(db_path: Path) -> None:
    wizard = conversation_kind("wizard")
    key = json.dumps([USER_ID, USER_ID], separators=(",", ":"))

    # First run: /start, then the name -> the conversation waits for the age.
    db1 = await open_db(db_path)
    seen1: list[tuple[str, str]] = []
    app1 = build_app(db1, seen1)
    await app1.initialize()
    await feed(app1, "/start")
    await feed(app1, "Ann")
    assert seen1 == [("start", ""), ("name", "Ann")]
    # PTB writes conversation states only in update_persistence, not when the handler returns.
    assert await rows(db1, wizard) == {}
    await app1.update_persistence()
    assert await rows(db1, wizard) == {key: json.dumps(ASK_AGE)}
    assert await rows(db1, USER_DATA) == {str(USER_ID): '{"name":"Ann"}'}
    await app1.shutdown()
    await db1.close()

    # Second run: new connection, new persistence, new Application; the age is accepted at once.
    db2 = await open_db(db_path)
    seen2: list[tuple[str, str]] = []
    app2 = build_app(db2, seen2)
    await app2.initialize()
    assert app2.user_data[USER_ID] == {"name": "Ann"}
    await feed(app2, "33")
    assert seen2 == [("age", "Ann:33")]
    # The conversation ended; the next update_persistence (here: shutdown) deletes its row.
    await app2.shutdown()
    assert await rows(db2, wizard) == {}
    await db2.close()


async def test_non_json_data_in_application_reaches_error_handler(db: Database) -> None:
    errors: list[BaseException] = []
    application = build_app(db, [])

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    application.add_error_handler(on_error)
    await application.initialize()
    application.bot_data["when"] = dt.datetime(2026, 1, 1)
    # update_persistence does not raise: PTB routes persistence errors to the error handlers.
    await application.update_persistence()
    assert len(errors) == 1
    assert isinstance(errors[0], PersistenceDataError)
    assert "bot_data '-'" in str(errors[0])
    del application.bot_data["when"]
    await application.shutdown()
    assert await rows(db, BOT_DATA) == {"-": "{}"}


async def test_store_data_switches_kinds_off(db: Database) -> None:
    p = SQLitePersistence(db, update_interval=1, store_data=PersistenceInput(bot_data=False))
    assert p.update_interval == 1
    assert p.store_data.bot_data is False
    assert p.store_data.user_data is True
