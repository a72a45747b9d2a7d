"""The HTTP side of a call: its parameters as PTB sends them, typed accessors that fail
like the real API, uploads, and the error response."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

JSONDict = dict[str, Any]


# Fields that are always strings in the Bot API. PTB sends str values unencoded, so "123" or
# "true" in these fields must not be JSON-decoded into a number/bool.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "inline_message_id",
        "url",
        "file_id",
        "action",
        "name",
        "description",
        "short_description",
        "language_code",
        "secret_token",
        "ip_address",
        "message_effect_id",
        "business_connection_id",
        "emoji",
        "title",
        "query",
        "document",
        "photo",
        "video",
        "audio",
        "voice",
        "animation",
        "sticker",
        "thumbnail",
        "video_note",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "foursquare_id",
    }
)


class ApiError(Exception):
    """Raised inside method handlers; becomes a Bot API error response."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class Upload:
    filename: str | None
    data: bytes
    content_type: str | None


class Req:
    """Parameters of one API call with typed accessors that raise Bot API style errors."""

    def __init__(self, method: str, params: JSONDict, files: dict[str, Upload]) -> None:
        self.method = method
        self.params = params
        self.files = files

    def get_str(self, name: str) -> str | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        raise ApiError(400, f"Bad Request: field {name!r} must be a string")

    def get_int(self, name: str, *, required: bool = False) -> int | None:
        value = self.params.get(name)
        if value is None:
            if required:
                raise ApiError(400, f"Bad Request: {name} is empty")
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return int(value.strip())
        raise ApiError(400, f"Bad Request: invalid {name} specified")

    def get_float(self, name: str) -> float | None:
        value = self.params.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise ApiError(400, f"Bad Request: invalid {name} specified")
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return float(value.strip())
        raise ApiError(400, f"Bad Request: invalid {name} specified")

    def get_bool(self, name: str) -> bool:
        value = self.params.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)


def decode_form_value(name: str, value: str) -> Any:
    if name in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def coerce_chat_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value.strip())
    return None


Handler = Callable[[Req], Awaitable[Any]]


def error_response(
    status: int, description: str, parameters: JSONDict | None = None
) -> web.Response:
    body: JSONDict = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
