"""python-telegram-bot persistence kept as JSON text in the app's SQLite database.

``SQLitePersistence`` stores conversation states, ``user_data``, ``chat_data``, ``bot_data`` and
the callback-data cache in the ``ptb_state`` table (see ``storage.ptb_state``), one row per entry:

=========================  ======================  =========================================
kind                       key                     value (JSON text)
=========================  ======================  =========================================
``conversation:<name>``    key tuple as JSON list  the state, e.g. ``"ASK_NAME"`` or ``2``
                           (``[chat_id,user_id]``)
``user_data``              user id                 that user's ``context.user_data``
``chat_data``              chat id                 that chat's ``context.chat_data``
``bot_data``               ``-``                   ``context.bot_data``
``callback_data``          ``-``                   ``{"keyboards": [...], "queries": {...}}``
=========================  ======================  =========================================

Why JSON and not pickle: the rows stay readable with ``sqlite3`` (an operator can see and fix a
stuck conversation), and loading them can never run code. The price is that only JSON data can
be persisted: ``dict`` with ``str`` keys, ``list``, ``str``, ``int``, finite ``float``, ``bool``
and ``None``. Anything else (a tuple, a set, a ``datetime``, an ``int`` dict key, a
``TelegramObject``...) would either not survive or come back changed, so it is refused with a
:class:`PersistenceDataError` that names the kind, the key and where in the value the problem is.
Store ids and ISO-8601 strings in ``user_data``, not objects.

Notes on PTB's contract (python-telegram-bot 22):

* The ``Application`` owns the live data; this class is a mirror. PTB calls the ``update_*``
  methods from ``Application.update_persistence()``, which runs every ``update_interval`` seconds
  while the application is running, and once more in ``Application.shutdown()`` (followed by
  :meth:`flush`). Conversation state changes are *not* written when the handler returns but on
  that next run, so a crash can lose up to ``update_interval`` seconds of state.
* Errors raised by the ``update_*`` methods inside ``update_persistence()`` do not propagate to the
  caller: PTB gathers them and hands them to the application's error handlers (or logs them with
  a traceback when there are none).
* ``refresh_*`` are no-ops: nothing else writes these rows while the bot runs.
* Writes are skipped when the JSON text equals what this instance last read or wrote for that row,
  so the periodic run does not open a write transaction for unchanged ``bot_data``.
"""

from __future__ import annotations

import json
import math
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from telegram.ext import BasePersistence, PersistenceInput

from storage import ptb_state

if TYPE_CHECKING:
    from storage.db import Database

JSONDict = dict[str, Any]
# The shapes BasePersistence's methods take and return, spelled as PTB documents them. PTB
# names them only in a private module (telegram.ext._utils.types), which may move in any
# release; mypy checks these against PTB's signatures, so a change there fails the type check.
ConversationKey = tuple[int | str, ...]
ConversationDict = MutableMapping[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

USER_DATA = "user_data"
CHAT_DATA = "chat_data"
BOT_DATA = "bot_data"
CALLBACK_DATA = "callback_data"
CONVERSATION_PREFIX = "conversation:"
# Key of the single row of the kinds that have only one (bot_data, callback_data).
SINGLE_KEY = "-"


def conversation_kind(name: str) -> str:
    """The ``ptb_state.kind`` holding the states of the ConversationHandler named ``name``."""
    return f"{CONVERSATION_PREFIX}{name}"


class PersistenceDataError(TypeError):
    """Data cannot be persisted as JSON (or a stored row is not what this module wrote)."""

    def __init__(self, kind: str, key: str, problem: str) -> None:
        self.kind = kind
        self.key = key
        self.problem = problem
        super().__init__(
            f"cannot persist {kind} {key!r}: {problem}. Persistence is JSON on purpose "
            "(inspectable, never executes code on load); store only dict (str keys), list, "
            "str, int, float, bool and None"
        )


class SQLitePersistence(BasePersistence[JSONDict, JSONDict, JSONDict]):
    """PTB persistence in the ``ptb_state`` table of the app's :class:`Database`.

    It uses the given ``db`` and never opens or closes a connection of its own.
    """

    __slots__ = ("_db", "_known", "_loaded_kinds")

    def __init__(
        self,
        db: Database,
        update_interval: float = 5.0,
        store_data: PersistenceInput | None = None,
    ) -> None:
        super().__init__(store_data=store_data, update_interval=update_interval)
        self._db = db
        # (kind, key) -> JSON text as last read or written; lets unchanged data skip the write.
        self._known: dict[tuple[str, str], str] = {}
        # Kinds read completely, so a key missing from _known is known to have no row.
        self._loaded_kinds: set[str] = set()

    # -- reading ------------------------------------------------------------------------------

    async def _load(self, kind: str) -> dict[str, Any]:
        rows = await ptb_state.load_kind(self._db, kind)
        out: dict[str, Any] = {}
        for key, text in rows.items():
            try:
                out[key] = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PersistenceDataError(kind, key, f"stored value is not JSON ({exc})") from exc
            self._known[(kind, key)] = text
        self._loaded_kinds.add(kind)
        return out

    async def _load_by_id(self, kind: str) -> dict[int, JSONDict]:
        out: dict[int, JSONDict] = {}
        for key, value in (await self._load(kind)).items():
            try:
                entity_id = int(key)
            except ValueError:
                raise PersistenceDataError(kind, key, "stored key is not an integer id") from None
            if not isinstance(value, dict):
                raise PersistenceDataError(kind, key, "stored value is not a JSON object")
            out[entity_id] = value
        return out

    async def get_user_data(self) -> dict[int, JSONDict]:
        return await self._load_by_id(USER_DATA)

    async def get_chat_data(self) -> dict[int, JSONDict]:
        return await self._load_by_id(CHAT_DATA)

    async def get_bot_data(self) -> JSONDict:
        value = (await self._load(BOT_DATA)).get(SINGLE_KEY, {})
        if not isinstance(value, dict):
            raise PersistenceDataError(BOT_DATA, SINGLE_KEY, "stored value is not a JSON object")
        return value

    async def get_callback_data(self) -> CDCData | None:
        stored = (await self._load(CALLBACK_DATA)).get(SINGLE_KEY)
        if stored is None:
            return None
        try:
            keyboards = [
                (str(uuid), float(access_time), dict(data))
                for uuid, access_time, data in stored["keyboards"]
            ]
            queries = {str(k): str(v) for k, v in stored["queries"].items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PersistenceDataError(
                CALLBACK_DATA, SINGLE_KEY, f"stored value has an unexpected shape ({exc!r})"
            ) from exc
        return keyboards, queries

    async def get_conversations(self, name: str) -> ConversationDict:
        kind = conversation_kind(name)
        out: ConversationDict = {}
        for key, state in (await self._load(kind)).items():
            try:
                parts = json.loads(key)
            except json.JSONDecodeError:
                parts = None
            if not isinstance(parts, list) or not all(
                isinstance(p, int | str) and not isinstance(p, bool) for p in parts
            ):
                raise PersistenceDataError(
                    kind, key, "stored key is not a JSON list of ints/strings"
                )
            out[tuple(parts)] = state
        return out

    # -- writing ------------------------------------------------------------------------------

    async def _write(self, kind: str, key: str, text: str | None) -> None:
        """Upsert ``text`` (or delete the row when ``text`` is None), unless already so."""
        known = (kind, key) in self._known or kind in self._loaded_kinds
        if known and self._known.get((kind, key)) == text:
            return
        if text is None:
            await ptb_state.delete(self._db, kind, key)
            self._known.pop((kind, key), None)
        else:
            await ptb_state.upsert(self._db, kind, key, text)
            self._known[(kind, key)] = text

    async def _write_data(self, kind: str, key: str, data: object) -> None:
        if not isinstance(data, dict):
            raise PersistenceDataError(kind, key, f"value is {type(data).__name__}, not dict")
        # An empty dict is what PTB creates on first access anyway: keep no row for it.
        await self._write(kind, key, _dumps(kind, key, data) if data else None)

    async def update_user_data(self, user_id: int, data: JSONDict) -> None:
        await self._write_data(USER_DATA, str(user_id), data)

    async def update_chat_data(self, chat_id: int, data: JSONDict) -> None:
        await self._write_data(CHAT_DATA, str(chat_id), data)

    async def update_bot_data(self, data: JSONDict) -> None:
        if not isinstance(data, dict):
            raise PersistenceDataError(
                BOT_DATA, SINGLE_KEY, f"value is {type(data).__name__}, not dict"
            )
        await self._write(BOT_DATA, SINGLE_KEY, _dumps(BOT_DATA, SINGLE_KEY, data))

    async def update_callback_data(self, data: CDCData) -> None:
        keyboards, queries = data
        value = {
            "keyboards": [[uuid, t, button_data] for uuid, t, button_data in keyboards],
            "queries": dict(queries),
        }
        await self._write(CALLBACK_DATA, SINGLE_KEY, _dumps(CALLBACK_DATA, SINGLE_KEY, value))

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        kind = conversation_kind(name)
        if not isinstance(key, tuple) or not all(
            isinstance(p, int | str) and not isinstance(p, bool) for p in key
        ):
            raise PersistenceDataError(kind, repr(key), "key is not a tuple of ints/strings")
        row_key = json.dumps(list(key), separators=(",", ":"), ensure_ascii=False)
        if new_state is None:  # the conversation ended
            await self._write(kind, row_key, None)
            return
        # States are looked up in ConversationHandler.states, so they must be hashable scalars.
        if isinstance(new_state, list | dict):
            raise PersistenceDataError(
                kind, row_key, f"state is a {type(new_state).__name__}; use a str or int"
            )
        await self._write(kind, row_key, _dumps(kind, row_key, new_state))

    async def drop_user_data(self, user_id: int) -> None:
        await self._write(USER_DATA, str(user_id), None)

    async def drop_chat_data(self, chat_id: int) -> None:
        await self._write(CHAT_DATA, str(chat_id), None)

    # -- no-ops -------------------------------------------------------------------------------

    async def refresh_user_data(self, user_id: int, user_data: JSONDict) -> None:
        """Nothing to do: only this bot writes the rows, and the Application holds them live."""

    async def refresh_chat_data(self, chat_id: int, chat_data: JSONDict) -> None:
        """Nothing to do: only this bot writes the rows, and the Application holds them live."""

    async def refresh_bot_data(self, bot_data: JSONDict) -> None:
        """Nothing to do: only this bot writes the rows, and the Application holds them live."""

    async def flush(self) -> None:
        """Called by ``Application.shutdown()`` after a last ``update_persistence()``.

        Every ``update_*`` already committed its own transaction, so there is nothing left to
        write; the database belongs to the app, which closes it.
        """


def _dumps(kind: str, key: str, value: object) -> str:
    problem = _json_problem(value, "value", set())
    if problem is not None:
        raise PersistenceDataError(kind, key, problem)
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _json_problem(value: object, where: str, containers: set[int]) -> str | None:
    """Why ``value`` would not come back from JSON as it is, or None if it would."""
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value!r} (not finite)"
    if isinstance(value, dict | list):
        if id(value) in containers:
            return f"{where} contains itself"
        containers.add(id(value))
        try:
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if (problem := _json_problem(item, f"{where}[{i}]", containers)) is not None:
                        return problem
            else:
                for k, item in value.items():
                    if not isinstance(k, str):
                        return (
                            f"{where} has the {type(k).__name__} key {k!r}; JSON object keys "
                            "are strings, so it would come back as a different key"
                        )
                    if (problem := _json_problem(item, f"{where}[{k!r}]", containers)) is not None:
                        return problem
        finally:
            containers.discard(id(value))
        return None
    cls = type(value)
    name = (
        cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    )
    hint = " (it would come back as a list)" if isinstance(value, tuple) else ""
    return f"{where} is a {name}, which is not JSON{hint}"
