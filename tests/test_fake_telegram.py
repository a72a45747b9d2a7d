"""Tests for the fake Bot API server, driven through real python-telegram-bot objects."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import struct
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    MenuButtonCommands,
    Message,
    Update,
)
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.testing.fake_telegram import DEFAULT_TOKEN, FakeEvent, FakeTelegram

USER_ID = 1001


def png_header(width: int, height: int) -> bytes:
    """Enough of a PNG for the size sniffing (not a decodable image)."""
    ihdr = struct.pack(">II", width, height) + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\x00" * 40


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, base_file_url=fake.file_url) as tg:
        yield tg


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("ตกลง", callback_data="ok"),
                InlineKeyboardButton("Site", url="https://example.org/"),
            ],
            [InlineKeyboardButton("Cancel", callback_data="cancel")],
        ]
    )


# ---- basics ---------------------------------------------------------------------------------


async def test_get_me(bot: Bot, fake: FakeTelegram) -> None:
    me = await bot.get_me()
    assert me.username == "cert_test_bot"
    assert me.is_bot
    assert me.id == 123456789
    assert fake.base_url.startswith("http://127.0.0.1:")
    assert [r.method for r in fake.requests] == ["getMe", "getMe"]  # initialize + explicit


async def test_wrong_token_is_invalid_token(fake: FakeTelegram) -> None:
    wrong = Bot("123456789:not-the-right-token", base_url=fake.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


async def test_unknown_method_is_404(bot: Bot, fake: FakeTelegram) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{fake.token}/noSuchMethod", data={"a": "1"}) as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


async def test_json_body_and_case_insensitive_method(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{fake.token}/SENDMESSAGE"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"chat_id": USER_ID, "text": "from json"}) as resp,
    ):
        body = await resp.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "from json"
    assert fake.requests[-1].method == "sendMessage"


# ---- messages -------------------------------------------------------------------------------


async def test_send_edit_delete_and_current_state(bot: Bot, fake: FakeTelegram) -> None:
    fake.user(USER_ID)
    sent = await bot.send_message(
        USER_ID, "<b>สวัสดี</b> &amp; hi", parse_mode="HTML", reply_markup=keyboard()
    )
    assert sent.text == "<b>สวัสดี</b> &amp; hi"
    assert sent.from_user is not None and sent.from_user.username == "cert_test_bot"
    assert sent.chat.id == USER_ID and sent.chat.first_name == "Somchai"
    assert sent.reply_markup == keyboard()

    stored = fake.last_message(USER_ID)
    assert stored is not None
    assert stored.message_id == sent.message_id
    assert stored.buttons == [
        [("ตกลง", "ok"), ("Site", "https://example.org/")],
        [("Cancel", "cancel")],
    ]
    assert stored.plain_text == "สวัสดี & hi"
    assert stored.edited == 0

    # Without reply_markup an edit removes the inline keyboard, like the real API.
    edited = await bot.edit_message_text("Done", chat_id=USER_ID, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Done"
    assert edited.edit_date is not None
    assert stored.text == "Done" and stored.buttons == [] and stored.edited == 1

    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("Done", chat_id=USER_ID, message_id=sent.message_id)

    await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard())
    assert stored.button_texts == ["ตกลง", "Site", "Cancel"] and stored.edited == 2
    assert len(stored.history) == 2
    assert len(fake.calls("editMessageText")) == 1
    assert fake.calls("editMessageText", include_failed=True)[-1].failed

    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER_ID, message_id=999)

    assert await bot.delete_message(USER_ID, sent.message_id)
    assert stored.deleted
    assert fake.messages(USER_ID) == []
    assert fake.messages(USER_ID, include_deleted=True) == [stored]


async def test_string_fields_are_not_json_decoded(bot: Bot, fake: FakeTelegram) -> None:
    for text in ("123", "true", '{"a": 1}', "null"):
        sent = await bot.send_message(USER_ID, text)
        assert sent.text == text
    assert [m.text for m in fake.messages(USER_ID)] == ["123", "true", '{"a": 1}', "null"]
    assert fake.requests[-1].params == {"chat_id": USER_ID, "text": "null"}


async def test_entity_and_limit_errors(bot: Bot, fake: FakeTelegram) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, "1 < 2", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(USER_ID, "Price 10.5", parse_mode="MarkdownV2")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(USER_ID, "ก" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        await bot.send_message(USER_ID, "hi", reply_markup=markup)
    assert fake.messages(USER_ID) == []
    assert all(r.failed for r in fake.calls("sendMessage", include_failed=True))

    ok = await bot.send_message(USER_ID, r"*Price* 10\.5 \(THB\)", parse_mode="MarkdownV2")
    assert ok.text == r"*Price* 10\.5 \(THB\)"
    last = fake.last_message(USER_ID)
    assert last is not None and last.plain_text == "Price 10.5 (THB)"


async def test_wait_for_message_timeout_shows_what_was_received(
    bot: Bot, fake: FakeTelegram
) -> None:
    await bot.send_message(USER_ID, "first reply")
    with pytest.raises(BadRequest):
        await bot.send_message(USER_ID, "<i>broken", parse_mode="HTML")
    with pytest.raises(AssertionError, match="first reply") as info:
        await fake.wait_for_message(USER_ID, lambda m: "second" in (m.text or ""), timeout=0.2)
    assert "can't parse entities" in str(info.value)

    found = await fake.wait_for_message(USER_ID, lambda m: m.text == "first reply", timeout=0.2)
    assert found.text == "first reply"


async def test_wait_for_message_after_mark(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    await bot.send_message(USER_ID, "old")
    mark = user.mark()
    incoming = await user.send_text("hello")
    assert incoming["message_id"] == mark + 1  # ids are shared by both sides of the chat
    waiter = asyncio.create_task(fake.wait_for_message(USER_ID, after=mark, timeout=2))
    await asyncio.sleep(0.05)
    assert not waiter.done()
    await bot.send_message(USER_ID, "new")
    assert (await waiter).text == "new"


# ---- callback queries -----------------------------------------------------------------------


async def test_press_button_produces_callback_query(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID, first_name="Anong")
    sent = await bot.send_message(USER_ID, "Choose", reply_markup=keyboard())

    query_dict = await user.press("ตกลง")
    assert query_dict["data"] == "ok"
    updates = await bot.get_updates()
    assert len(updates) == 1
    query = updates[0].callback_query
    assert query is not None
    assert query.data == "ok"
    assert query.from_user.id == USER_ID and query.from_user.first_name == "Anong"
    assert isinstance(query.message, Message) and query.message.message_id == sent.message_id
    assert query.message.text == "Choose"
    assert query.message.reply_markup == keyboard()

    assert await bot.answer_callback_query(query.id, text="Saved", show_alert=True)
    assert [(a.text, a.show_alert) for a in user.answered_callbacks] == [("Saved", True)]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query("12345")

    with pytest.raises(AssertionError, match="ตกลง"):
        await user.press("Nope")
    with pytest.raises(AssertionError, match="not a callback button"):
        await user.press("Site")

    await user.press_data("forged:admin", message_id=999)
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    forged = updates[0].callback_query
    assert forged is not None and forged.data == "forged:admin"
    # PTB parses it as a Message whose date is ZERO_DATE (the Bot API's InaccessibleMessage).
    assert forged.message is not None and not forged.message.is_accessible


async def test_hostile_user_inputs_parse(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    first = await user.send_text("/start ref42")
    await user.send_sticker()
    await user.send_location(13.75, 100.5)
    await user.edit_text(first["message_id"], "/start edited")
    await user.block_bot()
    updates = await bot.get_updates()
    assert [type(u) for u in updates] == [Update] * 5
    assert updates[0].message is not None and updates[0].message.text == "/start ref42"
    assert updates[0].message.entities[0].type == "bot_command"
    assert updates[1].message is not None and updates[1].message.sticker is not None
    assert updates[2].message is not None and updates[2].message.location is not None
    assert updates[3].edited_message is not None
    assert updates[3].edited_message.text == "/start edited"
    assert updates[4].my_chat_member is not None
    assert updates[4].my_chat_member.new_chat_member.status == "kicked"
    assert fake.is_blocked(USER_ID)


# ---- files ----------------------------------------------------------------------------------


async def test_bot_document_upload_and_download(bot: Bot, fake: FakeTelegram) -> None:
    data = b"%PDF-1.4 certificate " + bytes(range(256)) * 20
    sent = await bot.send_document(USER_ID, document=data, filename="cert.pdf", caption="Yours")
    assert sent.document is not None
    assert sent.document.file_name == "cert.pdf"
    assert sent.document.file_size == len(data)
    assert sent.document.mime_type == "application/pdf"
    assert sent.caption == "Yours"

    stored = fake.last_message(USER_ID)
    assert stored is not None and stored.kind == "document"
    assert stored.document == data and stored.file_name == "cert.pdf" and stored.text == "Yours"
    request = fake.requests[-1]
    assert request.method == "sendDocument" and request.files == {"document": data}
    assert request.params["caption"] == "Yours"

    tg_file = await bot.get_file(sent.document.file_id)
    buffer = io.BytesIO()
    await tg_file.download_to_memory(buffer)
    assert buffer.getvalue() == data
    assert bytes(await tg_file.download_as_bytearray()) == data

    again = await bot.send_document(USER_ID, document=sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id
    assert fake.messages(USER_ID)[-1].document == data

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(USER_ID, document="no-such-file-id")
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("no-such-file-id")


async def test_user_document_is_downloadable_by_the_bot(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    data = b"passport scan \x00\x01\x02" * 100
    await user.send_document(data, "passport.pdf", caption="my passport")
    updates = await bot.get_updates()
    message = updates[0].message
    assert message is not None and message.document is not None
    assert message.document.file_name == "passport.pdf"
    assert message.document.mime_type == "application/pdf"
    assert message.caption == "my passport"
    tg_file = await bot.get_file(message.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == data


async def test_photos(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    photo = png_header(1600, 1200)
    await user.send_photo(photo)
    updates = await bot.get_updates()
    message = updates[0].message
    assert message is not None and len(message.photo) > 1
    largest = message.photo[-1]
    assert (largest.width, largest.height) == (1280, 960)
    assert largest.file_size == len(photo)
    downloaded = await (await bot.get_file(largest.file_id)).download_as_bytearray()
    assert bytes(downloaded) == photo

    sent = await bot.send_photo(USER_ID, photo=photo, caption="preview")
    assert sent.photo and sent.caption == "preview"
    stored = fake.last_message(USER_ID)
    assert stored is not None and stored.kind == "photo" and stored.photo == photo

    resent = await bot.send_photo(USER_ID, photo=largest.file_id)
    assert [p.file_id for p in resent.photo] == [p.file_id for p in message.photo]


async def test_media_group_with_attachments(bot: Bot, fake: FakeTelegram) -> None:
    media = [
        InputMediaDocument(b"first file", filename="a.pdf"),
        InputMediaDocument(b"second file", filename="b.pdf", caption="both"),
    ]
    sent = await bot.send_media_group(USER_ID, media)
    assert len(sent) == 2
    assert sent[0].media_group_id is not None and sent[0].media_group_id == sent[1].media_group_id
    stored = fake.messages(USER_ID)
    assert [(m.file_name, m.document) for m in stored] == [
        ("a.pdf", b"first file"),
        ("b.pdf", b"second file"),
    ]


# ---- errors ---------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_surfaces_as_retry_after(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER_ID, "hello")
    # An int, or a timedelta when PTB_TIMEDELTA is set (bot/__init__.py opts in).
    assert info.value.retry_after in (7, dt.timedelta(seconds=7))
    failed = fake.calls("sendMessage", include_failed=True)
    assert len(failed) == 1 and failed[0].failed and failed[0].status == 429
    assert failed[0].description == "Too Many Requests: retry after 7"
    assert fake.messages(USER_ID) == []

    await bot.send_message(USER_ID, "hello")  # only the next call failed
    assert [m.text for m in fake.messages(USER_ID)] == ["hello"]


async def test_server_errors_and_chat_filter(bot: Bot, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match=r"(?i)Internal Server Error"):
        await bot.send_message(USER_ID, "x")
    fake.fail_next("sendMessage", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
            await bot.send_message(USER_ID, "x")
    fake.fail_next("sendDocument", status=400, description="Bad Request: custom failure")
    with pytest.raises(BadRequest, match=r"(?i)custom failure") as info:
        await bot.send_document(USER_ID, document=b"abc", filename="a.txt")
    assert isinstance(info.value, TelegramError)

    fake.fail_next("sendMessage", status=500, chat_id=2002)
    await bot.send_message(USER_ID, "unaffected")
    with pytest.raises(NetworkError):
        await bot.send_message(2002, "affected")
    assert [m.text for m in fake.messages(USER_ID)] == ["unaffected"]
    assert fake.messages(2002) == []


async def test_blocked_user_is_forbidden(bot: Bot, fake: FakeTelegram) -> None:
    fake.block(USER_ID)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello?")
    with pytest.raises(Forbidden):
        await bot.send_document(USER_ID, document=b"abc", filename="a.txt")
    await bot.send_message(2002, "other users still work")
    fake.unblock(USER_ID)
    await bot.send_message(USER_ID, "hello again")
    assert [m.text for m in fake.messages(USER_ID)] == ["hello again"]


async def test_delay(bot: Bot, fake: FakeTelegram) -> None:
    fake.delay("sendChatAction", 0.3)
    started = time.monotonic()
    assert await bot.send_chat_action(USER_ID, "typing")
    assert time.monotonic() - started >= 0.3
    request = await fake.wait_for_request("sendChatAction", timeout=0.1)
    assert request.params == {"chat_id": USER_ID, "action": "typing"}


# ---- getUpdates -----------------------------------------------------------------------------


async def test_long_poll_times_out_with_empty_list(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    # Only the lower bound is certain: how much later a busy machine returns is not.
    assert time.monotonic() - started >= 0.9


async def test_long_poll_wakes_up_on_new_update(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    poll = asyncio.create_task(bot.get_updates(timeout=60))
    assert await fake.wait_until(lambda: fake.last_poll_time is not None)  # it is waiting
    await user.send_text("hi")
    # Woken by the update, not by its 60 s timeout (the margin leaves room for a busy machine).
    updates = await asyncio.wait_for(poll, timeout=20)
    assert updates[0].message is not None and updates[0].message.text == "hi"


async def test_offset_limit_and_wait_delivered(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    for text in ("one", "two", "three"):
        await user.send_text(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    with pytest.raises(AssertionError, match="not fetched"):
        await fake.wait_delivered(timeout=0.1, confirmed=False)

    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    await fake.wait_delivered(timeout=0.1, confirmed=False)
    with pytest.raises(AssertionError, match="not confirmed"):
        await fake.wait_delivered(timeout=0.1)
    assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
    await fake.wait_delivered(timeout=0.1)
    assert fake.pending_updates == []
    assert all(r.method != "getUpdates" for r in fake.requests)
    assert any(r.method == "getUpdates" for r in fake.all_requests)


async def test_allowed_updates_filter(bot: Bot, fake: FakeTelegram) -> None:
    user = fake.user(USER_ID)
    await bot.send_message(USER_ID, "Pick", reply_markup=keyboard())
    await user.send_text("ignored")
    await user.press("Cancel")
    updates = await bot.get_updates(allowed_updates=["callback_query"])
    assert len(updates) == 1 and updates[0].callback_query is not None
    assert [next(k for k in u if k != "update_id") for u in fake.dropped_updates] == ["message"]


async def test_commands_and_menu_button(bot: Bot, fake: FakeTelegram) -> None:
    assert await bot.set_my_commands([("start", "เริ่มต้น"), ("help", "ช่วยเหลือ")], language_code="th")
    assert await bot.get_my_commands(language_code="th") == (
        BotCommand("start", "เริ่มต้น"),
        BotCommand("help", "ช่วยเหลือ"),
    )
    assert await bot.get_my_commands() == ()
    assert fake.commands(language_code="th")[0] == {"command": "start", "description": "เริ่มต้น"}
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Start!", "bad")])
    assert await bot.delete_my_commands(language_code="th")
    assert await bot.get_my_commands(language_code="th") == ()
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert await bot.delete_webhook()
    info = await bot.get_webhook_info()
    assert info.url == ""


async def test_listener_sees_messages_and_edits(bot: Bot, fake: FakeTelegram) -> None:
    events: list[FakeEvent] = []
    fake.add_listener(events.append)
    sent = await bot.send_message(USER_ID, "a")
    await bot.edit_message_text("b", chat_id=USER_ID, message_id=sent.message_id)
    kinds = [e.kind for e in events if e.kind != "request"]
    assert kinds == ["message", "edit"]


# ---- a real Application ---------------------------------------------------------------------


async def test_application_echo_and_buttons(fake: FakeTelegram) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Continue?", reply_markup=keyboard())

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("noted")
        await query.edit_message_text(f"You chose {query.data}")

    app: Application = (  # type: ignore[type-arg]
        fake.application_builder().build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(on_button))

    user = fake.user(USER_ID)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            sent = await user.send_text("สวัสดี")
            reply = await fake.wait_for_message(USER_ID, after=sent["message_id"])
            assert reply.text == "echo: สวัสดี"

            await user.send_command("start")
            await fake.wait_delivered()
            await app.update_queue.join()
            question = fake.last_message(USER_ID)
            assert question is not None and question.text == "Continue?"

            await user.press("Cancel")
            await fake.wait_delivered()
            await app.update_queue.join()
            done = await fake.wait_for_message(
                USER_ID, lambda m: m.text == "You chose cancel", timeout=2
            )
            assert done.message_id == question.message_id and done.buttons == []
            assert [a.text for a in user.answered_callbacks] == ["noted"]
        finally:
            await app.updater.stop()
            await app.stop()
    assert fake.pending_updates == []
    assert [m.text for m in fake.messages(USER_ID)] == ["echo: สวัสดี", "You chose cancel"]


async def test_flood_limits_answer_429_like_telegram() -> None:
    from bot.testing.fake_telegram import RateLimits

    limits = RateLimits(global_per_second=3, per_chat_interval=1.0)
    async with FakeTelegram(rate_limits=limits) as fake:
        bot = fake.bot()
        async with bot:
            await bot.send_message(1, "a")
            with pytest.raises(RetryAfter):
                await bot.send_message(1, "b")  # same chat within a second
            await bot.send_message(2, "c")
            await bot.send_message(3, "d")
            with pytest.raises(RetryAfter):
                await bot.send_message(4, "e")  # fourth in one second
    assert limits.refused == 2
