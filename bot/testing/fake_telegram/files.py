"""Files both ways: uploads and file ids the bot sends, ``getFile`` and downloads."""

from __future__ import annotations

import copy
import mimetypes
import struct
import time
import urllib.parse

from aiohttp import web

from bot.testing.fake_telegram.messages import Messages
from bot.testing.fake_telegram.model import MAX_DOWNLOAD_BYTES, MAX_UPLOAD_BYTES, StoredFile
from bot.testing.fake_telegram.wire import ApiError, JSONDict, Req, Upload, error_response


def _image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, or None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(width), int(height)
            i += 2 + length
    return None


class Files(Messages):
    """``sendDocument``, ``sendPhoto``, ``sendMediaGroup``, ``getFile``, downloads."""

    def _new_file_ids(self, prefix: str) -> tuple[int, str, str]:
        n = next(self._file_counter)
        return n, f"{prefix}AgADfake{n:08d}{self.bot_id % 100000:05d}", f"AQADfake{n:08d}"

    def _register_file(self, stored: StoredFile) -> StoredFile:
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _store_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        prefix = {"document": "BQAC", "photo": "AgAC", "sticker": "CAAC"}.get(kind, "BAAC")
        n, file_id, unique_id = self._new_file_ids(prefix)
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1][:10]
        elif mime_type:
            ext = mimetypes.guess_extension(mime_type) or ""
        folder = {"document": "documents", "photo": "photos", "sticker": "stickers"}.get(
            kind, kind + "s"
        )
        return self._register_file(
            StoredFile(
                file_id=file_id,
                file_unique_id=unique_id,
                data=data,
                kind=kind,
                file_path=f"{folder}/file_{n}{ext}",
                file_name=file_name,
                mime_type=mime_type,
            )
        )

    def _store_photo(self, data: bytes) -> list[JSONDict]:
        """Store a photo; returns its PhotoSize array (every size serves the same bytes)."""
        width, height = _image_size(data) or (1280, 960)
        sizes: list[JSONDict] = []
        stored_sizes: list[StoredFile] = []
        for target in (90, 320, 800, 1280):
            scale = min(1.0, target / max(width, height, 1))
            w, h = max(1, round(width * scale)), max(1, round(height * scale))
            if sizes and (sizes[-1]["width"], sizes[-1]["height"]) == (w, h):
                break
            stored = self._store_file(data, "photo", mime_type="image/jpeg")
            stored.width, stored.height = w, h
            stored_sizes.append(stored)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": w,
                    "height": h,
                    "file_size": len(data),
                }
            )
            if scale >= 1.0:
                break
        for stored in stored_sizes:
            stored.photo_sizes = sizes
        return copy.deepcopy(sizes)

    def _input_file(self, req: Req, name: str, kind: str) -> StoredFile:
        upload = req.files.get(name)
        value = req.params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = req.files.get(value[len("attach://") :])
            if upload is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is not None:
            return self._store_upload(upload, kind)
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                file_name = urllib.parse.urlsplit(value).path.rsplit("/", 1)[-1] or None
                data = f"fake download of {value}".encode()
                if kind == "photo":
                    return self._files[self._store_photo(data)[-1]["file_id"]]
                return self._store_file(
                    data, kind, file_name=file_name, mime_type=mimetypes.guess_type(value)[0]
                )
            stored = self._files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            if (stored.kind == "photo") != (kind == "photo"):
                raise ApiError(400, "Bad Request: type of file mismatch")
            return stored
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _store_upload(self, upload: Upload, kind: str) -> StoredFile:
        if not upload.data:
            raise ApiError(400, "Bad Request: file must be non-empty")
        if len(upload.data) > MAX_UPLOAD_BYTES:
            raise ApiError(413, "Request Entity Too Large")
        if kind == "photo":
            sizes = self._store_photo(upload.data)
            return self._files[sizes[-1]["file_id"]]
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename or "")[0] or mime
        return self._store_file(upload.data, kind, file_name=upload.filename, mime_type=mime)

    def _file_content(self, kind: str, stored: StoredFile) -> JSONDict:
        if kind == "photo":
            return {"photo": copy.deepcopy(stored.photo_sizes or [])}
        return {kind: stored.document_dict()}

    async def _send_file(self, req: Req, kind: str) -> JSONDict:
        chat = self._target_chat(req)
        caption = req.get_str("caption") or None
        parse_mode = req.get_str("parse_mode")
        if caption is not None:
            self._check_text(caption, parse_mode, caption=True)
        markup = self._check_markup(req.params.get("reply_markup"))
        stored = self._input_file(req, kind, kind)
        content = self._file_content(kind, stored)
        if caption is not None:
            content["caption"] = caption
        message = self._new_bot_message(
            req,
            chat,
            kind,
            content,
            text=caption,
            parse_mode=parse_mode,
            markup=markup,
            stored=stored,
        )
        return copy.deepcopy(message.raw)

    async def _m_send_document(self, req: Req) -> JSONDict:
        return await self._send_file(req, "document")

    async def _m_send_photo(self, req: Req) -> JSONDict:
        return await self._send_file(req, "photo")

    async def _m_send_media_group(self, req: Req) -> list[JSONDict]:
        chat = self._target_chat(req)
        media = req.params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise ApiError(400, "Bad Request: wrong number of media in the album, must be 2-10")
        items: list[tuple[str, StoredFile, str | None, str | None]] = []
        for item in media:
            if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                raise ApiError(400, "Bad Request: can't parse InputMedia JSON object")
            kind = str(item["type"])
            sub = Req(req.method, {kind: item.get("media")}, req.files)
            stored = self._input_file(sub, kind, kind)
            caption = item.get("caption") if isinstance(item.get("caption"), str) else None
            parse_mode = item.get("parse_mode") if isinstance(item.get("parse_mode"), str) else None
            if caption is not None:
                self._check_text(caption, parse_mode, caption=True)
            items.append((kind, stored, caption, parse_mode))
        kinds = {kind for kind, *_ in items}
        if "document" in kinds and len(kinds) > 1:
            raise ApiError(400, "Bad Request: document can't be mixed with other media types")
        group_id = str(13_000_000_000_000_000 + next(self._media_group_counter))
        results: list[JSONDict] = []
        for kind, stored, caption, parse_mode in items:
            content = self._file_content(kind, stored)
            if caption is not None:
                content["caption"] = caption
            message = self._new_bot_message(
                req,
                chat,
                kind,
                content,
                text=caption,
                parse_mode=parse_mode,
                markup=None,
                stored=stored,
                media_group_id=group_id,
            )
            results.append(copy.deepcopy(message.raw))
        return results

    async def _m_get_file(self, req: Req) -> JSONDict:
        file_id = req.get_str("file_id")
        stored = self._files.get(file_id or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        path = urllib.parse.unquote(request.match_info["path"])
        if request.match_info["token"] != self.token:
            return error_response(404, "Not Found")
        stored = self._files_by_path.get(path)
        if stored is None:
            self._record(
                "downloadFile",
                {"file_path": path},
                {},
                started,
                status=404,
                description="Not Found",
            )
            return error_response(404, "Not Found")
        self._record("downloadFile", {"file_path": path}, {}, started, result=stored.file_id)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
