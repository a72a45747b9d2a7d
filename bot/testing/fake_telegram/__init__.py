"""A fake Telegram Bot API server for tests, benchmarks and the local sandbox.

``FakeTelegram`` is a small aiohttp web server on 127.0.0.1 that speaks enough of the Bot API
for python-telegram-bot (PTB) to run unmodified against it. It stores what the bot sends,
lets a test act as Telegram users, and can inject the errors the real API returns.

Typical use::

    async with FakeTelegram() as fake:
        # same as ApplicationBuilder().token(fake.token).base_url(fake.base_url)
        #                                .base_file_url(fake.file_url)
        app = fake.application_builder().build()
        ...  # add handlers
        async with app:
            await app.start()
            await app.updater.start_polling(poll_interval=0, timeout=1)

            somchai = fake.user(1001, first_name="Somchai")
            sent = await somchai.send_text("/start")
            reply = await fake.wait_for_message(1001, after=sent["message_id"])
            await somchai.press("English")  # an inline button, by its exact text
            await fake.wait_delivered()  # the bot has fetched and confirmed it ...
            await app.update_queue.join()  # ... and processed it
            assert "Welcome" in (somchai.last_message().text or "")

            fake.fail_next("sendMessage", status=429, retry_after=3)  # error injection
            fake.block(1001)  # 403 "Forbidden: bot was blocked by the user"

            await app.updater.stop()
            await app.stop()

What the fake does, in short:

* Requests are accepted as PTB sends them: form fields (complex values JSON-encoded),
  multipart/form-data when files are uploaded, a JSON body or a query string. Method names are
  case-insensitive, like the real API. A wrong token gets 401, an unknown method 404.
* Every call is recorded (:attr:`FakeTelegram.requests`, without ``getUpdates``;
  :attr:`FakeTelegram.all_requests` with it), including failed ones (``failed=True``).
* The bot's messages are kept per chat in their *current* state (:meth:`FakeTelegram.messages`);
  edits change them in place and bump ``SentMessage.edited``.
* Chat ids are user ids (private chats). Sending to a user who has not written yet works.
* It behaves like the real API in the ways bots usually get wrong: malformed HTML/MarkdownV2
  (``can't parse entities``), text over 4096 / captions over 1024 characters, callback data over
  64 bytes, "message is not modified" on identical edits, ``editMessageText`` without
  ``reply_markup`` removing the inline keyboard, blocked users (403), unknown file ids.
  Pass ``strict_parse_mode=False`` to skip the entity checks.
* ``getUpdates`` long-polls: it honours ``offset`` (updates below it are confirmed and
  forgotten), ``limit``, ``timeout`` and ``allowed_updates``. A newer ``getUpdates`` call ends
  an older one that is still waiting (it returns ``[]``) instead of answering 409.
* :meth:`FakeTelegram.wait_delivered` waits until every update enqueued so far was handed
  to the bot *and confirmed* by a later ``getUpdates`` with a higher offset. PTB's updater
  puts updates into ``application.update_queue`` before it asks again, so afterwards
  ``await application.update_queue.join()`` means "the bot has processed them".

Objects returned by ``wait_for_message``/``messages`` are live: later edits change them.
Everything runs on the event loop that called :meth:`FakeTelegram.start`; the class is not
thread-safe.

Modules, by concern. ``FakeTelegram`` is one class built up in layers, each adding one
concern on top of the one before (``FakeState`` <- ``Updates`` <- ``Messages`` <- ``Files`` <-
``Callbacks`` <- ``BotProfile`` <- ``Faults`` <- ``Inspection`` <- ``FakeTelegram``):

* ``server``: the aiohttp server, its lifecycle and URLs, reading requests, routing each call
  (flood limits and injected failures applied there), and ``user()``.
* ``state``: what the fake holds, and the bookkeeping every concern shares (chats, call log,
  events, change notification).
* ``updates``: the update queue, ``getUpdates`` long polling, webhooks.
* ``messages``: sending, editing and deleting the bot's messages, with the API's checks.
* ``files``: uploads, file ids, ``sendDocument``/``sendPhoto``/``sendMediaGroup``, downloads.
* ``callbacks``: ``answerCallbackQuery``.
* ``profile``: ``getMe``, ``getChat``, chat actions, commands, menu button, name, descriptions.
* ``faults``: error injection (``fail_next``, ``block``, ``delay``).
* ``inspection``: what tests read back, listeners, ``wait_*``.
* ``users``: ``FakeUser``, what a test does as a person.
* ``model``: the records (``SentMessage``, ``RecordedRequest``, ``StoredFile``, ...) and limits.
* ``wire``: a call's parameters and typed accessors, uploads, error responses.
* ``formatting``: HTML/Markdown entity parsing. ``limits``: ``RateLimits``.
"""

from bot.testing.fake_telegram.limits import RateLimits
from bot.testing.fake_telegram.model import (
    DEFAULT_TOKEN,
    AnsweredCallback,
    FakeEvent,
    RecordedRequest,
    SentMessage,
    StoredFile,
)
from bot.testing.fake_telegram.server import FakeTelegram
from bot.testing.fake_telegram.users import FakeUser

__all__ = [
    "DEFAULT_TOKEN",
    "AnsweredCallback",
    "FakeEvent",
    "FakeTelegram",
    "FakeUser",
    "RateLimits",
    "RecordedRequest",
    "SentMessage",
    "StoredFile",
]
