"""The sandbox page and its small JSON API, on aiohttp.

    GET  /                           the page (static/index.html)
    GET  /static/...                 its CSS, script and icons; /fonts/... the Thai font
    GET  /api/state                  every chat, as the page draws it
    GET  /api/events                 server-sent events: a snapshot, then changes
    POST /api/chats/{role}/send      {"text": ...}            the person types
    POST /api/chats/{role}/press     {"message_id", "data"}   the person presses a button
    POST /api/chats/{role}/upload    multipart: kind=document|photo, file
    POST /api/chats/{role}/language  {"language": "th"|"en"}  Telegram's language_code
    GET  /api/files/{file_id}        a file either side sent

It listens on 127.0.0.1 only, yet any web site the person opens could still send requests
there, so the API refuses a foreign Host header (DNS rebinding) and POSTs without the
``X-Sandbox`` header (a cross-site form cannot set one).
"""

from __future__ import annotations

import asyncio
import io
import json
import mimetypes
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web
from PIL import Image

from bot.config import REPO_ROOT, SUPPORTED_LANGUAGES
from bot.sandbox import transcript
from bot.sandbox.events import EventHub
from bot.sandbox.people import PEOPLE, Person, person
from bot.testing.fake_telegram import FakeTelegram

STATIC_DIR = Path(__file__).resolve().parent / "static"
# The Sarabun font the print pack embeds: Thai reads well without system fonts or a CDN.
FONTS_DIR = REPO_ROOT / "bot" / "issuance" / "fonts"
FONTS = frozenset({"Sarabun-Regular.ttf", "Sarabun-Bold.ttf"})
MAX_UPLOAD = 20 * 1024 * 1024
PHOTO_MAX_SIDE = 1280  # Telegram's largest photo size
PING_SECONDS = 15.0
_INLINE_IMAGES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_CSP = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HUB = web.AppKey("hub", EventHub)
FAKE = web.AppKey("fake", FakeTelegram)
INFO = web.AppKey("info", dict[str, Any])


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"ok": False, "error": message}, status=status)


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    if host not in ("127.0.0.1", "localhost"):
        return _error(403, "the sandbox answers on 127.0.0.1 only")
    if request.method == "POST" and request.headers.get("X-Sandbox") != "1":
        return _error(403, "missing X-Sandbox header")
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def _person(request: web.Request) -> Person:
    who = person(request.match_info["role"])
    if who is None:
        raise web.HTTPNotFound(text="no such chat")
    return who


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise web.HTTPBadRequest(text="expected a JSON body") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return body


def state(request: web.Request) -> dict[str, Any]:
    fake = request.app[FAKE]
    info: dict[str, Any] = request.app[INFO]
    result = {**info}
    result["chats"] = [transcript.chat(fake, p) for p in PEOPLE]
    return result


# ---- page ----


async def index(request: web.Request) -> web.StreamResponse:
    response = web.FileResponse(STATIC_DIR / "index.html")
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["Cache-Control"] = "no-cache"
    return response


async def font(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in FONTS or not (FONTS_DIR / name).is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(FONTS_DIR / name, headers={"Content-Type": "font/ttf"})


async def get_state(request: web.Request) -> web.StreamResponse:
    return web.json_response(state(request))


async def events(request: web.Request) -> web.StreamResponse:
    """A snapshot first, then every change, so a page that reconnects misses nothing."""
    hub = request.app[HUB]
    queue = hub.subscribe()
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    try:
        await response.prepare(request)
        await _send_event(response, {"type": "snapshot", **state(request)})
        while True:
            try:
                event = await asyncio.wait_for(queue.get(), PING_SECONDS)
            except TimeoutError:
                await response.write(b": ping\n\n")  # keeps proxies and the browser patient
                continue
            if event is None:
                break
            await _send_event(response, event)
    except ConnectionResetError:
        pass  # the page went away
    finally:
        hub.unsubscribe(queue)
    return response


async def _send_event(response: web.StreamResponse, event: dict[str, Any]) -> None:
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    await response.write(f"data: {data}\n\n".encode())


# ---- acting as the person ----


async def send(request: web.Request) -> web.StreamResponse:
    who = _person(request)
    text = (await _json_body(request)).get("text")
    if not isinstance(text, str) or not text.strip():
        return _error(400, "nothing to send")
    if len(text) > 4096:
        return _error(400, "Telegram takes at most 4096 characters")
    sent = await request.app[FAKE].users[who.user_id].send_text(text)
    return web.json_response({"ok": True, "message_id": sent["message_id"]})


async def press(request: web.Request) -> web.StreamResponse:
    """Like a Telegram client: only a button the message shows right now can be pressed."""
    who = _person(request)
    body = await _json_body(request)
    message_id, data = body.get("message_id"), body.get("data")
    if not isinstance(message_id, int) or not isinstance(data, str):
        return _error(400, "expected message_id and data")
    fake = request.app[FAKE]
    message = fake.message(who.user_id, message_id)
    if message is None or message.deleted or data not in _callback_data(message.reply_markup):
        return _error(409, "that button is no longer there")
    query = await fake.users[who.user_id].press_data(data, message_id)
    return web.json_response({"ok": True, "query_id": query["id"]})


def _callback_data(markup: dict[str, Any] | None) -> set[str]:
    rows = (markup or {}).get("inline_keyboard") or []
    return {
        str(button["callback_data"])
        for row in rows
        for button in row
        if isinstance(button, dict) and "callback_data" in button
    }


async def upload(request: web.Request) -> web.StreamResponse:
    who = _person(request)
    form = await request.post()  # enforces client_max_size
    kind, file = form.get("kind", "document"), form.get("file")
    if kind not in ("document", "photo"):
        return _error(400, "kind must be document or photo")
    if not isinstance(file, web.FileField):
        return _error(400, "no file in the request")
    data = file.file.read()
    if not data:
        return _error(400, "the file is empty")
    user = request.app[FAKE].users[who.user_id]
    if kind == "photo":
        if not data.startswith(_IMAGE_MAGIC):
            return _error(400, "a photo must be a PNG, JPEG or GIF image")
        try:
            photo = await asyncio.to_thread(_as_telegram_photo, data)
        except (OSError, ValueError, Image.DecompressionBombError):
            return _error(400, "this image cannot be read")
        sent = await user.send_photo(photo)
    else:
        name = file.filename or "file"
        # Telegram names the type from the file name, as the fake does for its own users.
        mime = mimetypes.guess_type(name)[0] or file.content_type
        sent = await user.send_document(data, name, mime)
    return web.json_response({"ok": True, "message_id": sent["message_id"]})


def _as_telegram_photo(data: bytes) -> bytes:
    """What Telegram makes of an image sent as a photo: a JPEG, at most 1280 px a side.

    Bots always receive photos as JPEG, whatever was sent; passing a PNG on unchanged would
    make the bot refuse a photo Telegram would have delivered.
    """
    with Image.open(io.BytesIO(data)) as image:
        image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=87)
    return out.getvalue()


async def language(request: web.Request) -> web.StreamResponse:
    who = _person(request)
    code = (await _json_body(request)).get("language")
    if code not in SUPPORTED_LANGUAGES:
        return _error(400, "language must be th or en")
    # What Telegram reports with each update; the bot's own /language choice still wins.
    request.app[FAKE].users[who.user_id].language_code = code
    request.app[HUB].publish_profile(who.role)
    return web.json_response({"ok": True})


async def download(request: web.Request) -> web.StreamResponse:
    stored = request.app[FAKE].file(request.match_info["file_id"])
    if stored is None:
        raise web.HTTPNotFound(text="no such file")
    mime = stored.mime_type or "application/octet-stream"
    inline = request.query.get("inline") == "1" and mime in _INLINE_IMAGES
    name = stored.file_name or stored.file_path.rsplit("/", 1)[-1]
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Type": mime,
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name, safe='')}",
        # Whatever the file is, it never runs as a page of this origin.
        "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'",
        "Cache-Control": "private, max-age=3600",
    }
    return web.Response(body=stored.data, headers=headers)


def build_app(fake: FakeTelegram, hub: EventHub, info: dict[str, Any]) -> web.Application:
    app = web.Application(middlewares=[_guard], client_max_size=MAX_UPLOAD + 64 * 1024)
    app[FAKE] = fake
    app[HUB] = hub
    app[INFO] = info
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC_DIR, append_version=False)
    app.router.add_get("/fonts/{name}", font)
    app.router.add_get("/api/state", get_state)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/chats/{role}/send", send)
    app.router.add_post("/api/chats/{role}/press", press)
    app.router.add_post("/api/chats/{role}/upload", upload)
    app.router.add_post("/api/chats/{role}/language", language)
    app.router.add_get("/api/files/{file_id}", download)
    return app
