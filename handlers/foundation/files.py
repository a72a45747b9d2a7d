"""Receiving a document or photo: checked before it is fetched, fetched once, checked again,
stored by its SHA-256. Raises ``FieldError`` (nothing stored) for anything not acceptable."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.error import BadRequest

from bot import uploads
from bot.field_rules import FieldError
from bot.i18n_marker import N_
from bot.kernel.inputs import FileMeta
from bot.runtime import BotContext


async def receive(update: Update, context: BotContext) -> FileMeta:
    message = update.effective_message
    assert message is not None
    if message.document is not None:
        doc = message.document
        claim = uploads.check_claim(doc.mime_type, doc.file_name, doc.file_size)
        file_id = doc.file_id
    elif message.photo:
        photo = message.photo[-1]  # the largest size Telegram made
        name = f"photo-{photo.file_unique_id}.jpg"
        claim = uploads.check_claim(uploads.JPEG, name, photo.file_size)
        file_id = photo.file_id
    else:
        raise FieldError(N_("foundation.error.file_type"))
    try:
        remote = await context.bot.get_file(file_id)
    except BadRequest as error:
        if "too big" in error.message.lower():
            raise FieldError(
                N_("foundation.error.file_too_big"), limit=uploads.MAX_MEGABYTES
            ) from None
        raise
    if remote.file_size is not None:
        uploads.check_size(remote.file_size)
    data = bytes(await remote.download_as_bytearray())
    # Parsing a PDF or decoding an image of up to 20 MB would hold up every other chat.
    await asyncio.to_thread(uploads.check_content, data, claim)
    # Writing up to 20 MB with fsync would hold up every other chat: do it off the loop.
    sha256 = await asyncio.to_thread(context.services.files.put, data)
    return FileMeta(
        file_name=claim.file_name,
        mime_type=claim.mime_type,
        size=len(data),
        sha256=sha256,
        telegram_file_id=file_id,
    )
