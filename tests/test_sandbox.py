"""The sandbox: the page and its API, the live event stream, files both ways, demo seeding,
and ``python -m bot sandbox`` stopping cleanly on Ctrl+C. All on 127.0.0.1, ephemeral ports."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.config import REPO_ROOT
from bot.sandbox import samples
from bot.sandbox.people import person
from bot.sandbox.server import Sandbox
from bot.workflow import Role
from storage import users as users_repo

MEMBER = person("member")
assert MEMBER is not None
JSON = dict[str, Any]


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0) as running:
        yield running


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(sandbox.url, headers={"X-Sandbox": "1"}) as session:
        yield session


class EventStream:
    """Reads the page's server-sent events the way the browser's EventSource does."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def next(self) -> JSON:
        data: list[str] = []
        while True:
            line = (await self.response.content.readline()).decode().rstrip("\n")
            if line.startswith("data: "):
                data.append(line[len("data: ") :])
            elif not line and data:
                event: JSON = json.loads("\n".join(data))
                return event

    async def wait_for(self, check: Callable[[JSON], bool], timeout: float = 5.0) -> JSON:  # noqa: ASYNC109
        async def scan() -> JSON:
            while True:
                event = await self.next()
                if check(event):
                    return event

        return await asyncio.wait_for(scan(), timeout)


@pytest.fixture
async def events(client: aiohttp.ClientSession) -> AsyncIterator[EventStream]:
    async with client.get("/api/events") as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        yield EventStream(response)


def plain(message: JSON) -> str:
    """The text of a message as the page shows it (nodes flattened)."""

    def walk(nodes: list[Any]) -> str:
        return "".join(n if isinstance(n, str) else walk(n["children"]) for n in nodes)

    return walk(message["rich"])


def bot_message(
    role: str, check: Callable[[JSON], bool] = lambda m: True
) -> Callable[[JSON], bool]:
    def matches(event: JSON) -> bool:
        return (
            event["type"] == "message"
            and event["role"] == role
            and event["message"]["from"] == "bot"
            and check(event["message"])
        )

    return matches


# ---- the page --------------------------------------------------------------------------------

# Neither is fetched: the SVG namespace names a vocabulary, and t.me links in messages are
# recognised so the page can open bot invitations inside the sandbox.
NOT_FETCHED = {"http://www.w3.org/2000/svg", "https://t.me/"}


async def test_the_page_and_its_files_are_served_and_load_nothing_from_outside(
    client: aiohttp.ClientSession,
) -> None:
    async with client.get("/") as response:
        assert response.status == 200 and response.content_type == "text/html"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        page = await response.text()
    references = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert references and all(ref.startswith("/") for ref in references), references
    texts = {"/": page}
    for ref in references:
        async with client.get(ref) as response:
            assert response.status == 200, ref
            texts[ref] = await response.text()
    fonts = re.findall(r'url\("([^"]+)"\)', texts["/static/sandbox.css"])
    assert fonts
    for ref in fonts:
        async with client.get(ref) as response:
            assert response.status == 200 and len(await response.read()) > 10_000, ref
    for name, text in texts.items():
        external = set(re.findall(r"https?://[^\s\"'`)<>]+", text)) - NOT_FETCHED
        assert not external, f"{name} refers to {external}"
        assert "//cdn" not in text and "@import" not in text, name


async def test_the_api_refuses_foreign_hosts_and_cross_site_posts(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession(sandbox.url) as session:
        async with session.get("/api/state", headers={"Host": "evil.example"}) as response:
            assert response.status == 403  # a rebinding DNS name pointing at 127.0.0.1
        async with session.post("/api/chats/member/send", json={"text": "/start"}) as response:
            assert response.status == 403  # a plain form post from another site
        headers = {"X-Sandbox": "1"}
        async with session.post("/api/chats/nobody/send", json={"text": "x"}, headers=headers) as r:
            assert r.status == 404
    assert sandbox.fake.incoming_messages(MEMBER.user_id) == []


# ---- chatting --------------------------------------------------------------------------------


async def test_start_sent_from_the_member_chat_is_answered_in_the_event_stream(
    sandbox: Sandbox, client: aiohttp.ClientSession, events: EventStream
) -> None:
    snapshot = await events.next()
    assert snapshot["type"] == "snapshot"
    assert [c["role"] for c in snapshot["chats"]] == ["member", "officer", "admin"]
    assert snapshot["bot"]["username"] == sandbox.fake.bot_user["username"]
    async with client.post("/api/chats/member/send", json={"text": "/start"}) as response:
        assert response.status == 200
    mine = await events.wait_for(
        lambda e: e["type"] == "message" and e["message"]["from"] == "user"
    )
    assert mine["role"] == "member" and plain(mine["message"]) == "/start"
    reply = (await events.wait_for(bot_message("member")))["message"]
    t = sandbox.application.services.catalogs.for_language("th")
    assert plain(reply).startswith(t.t("start.welcome_new", name=MEMBER.first_name))
    assert reply["id"] > mine["message"]["id"]
    async with client.get("/api/state") as response:
        member_chat = (await response.json())["chats"][0]
    assert [m["from"] for m in member_chat["messages"]] == ["user", "bot"]


async def test_a_pressed_inline_button_reaches_the_bot_and_the_edit_comes_back(
    sandbox: Sandbox, client: aiohttp.ClientSession, events: EventStream
) -> None:
    await client.post("/api/chats/admin/send", json={"text": "/language"})
    menu = (await events.wait_for(bot_message("admin", lambda m: bool(m["buttons"]))))["message"]
    t_en = sandbox.application.services.catalogs.for_language("en")
    t_th = sandbox.application.services.catalogs.for_language("th")
    thai = next(
        b for row in menu["buttons"] for b in row if b["text"] == t_en.t("language.button_th")
    )
    press = {"message_id": menu["id"], "data": thai["data"]}
    async with client.post("/api/chats/admin/press", json=press) as response:
        assert response.status == 200
    answer = await events.wait_for(lambda e: e["type"] == "answer")
    assert answer["role"] == "admin"
    edited = (await events.wait_for(bot_message("admin", lambda m: m["id"] == menu["id"])))[
        "message"
    ]
    assert plain(edited) == t_th.t("language.saved")
    assert edited["edited"] == 1 and edited["buttons"] == []
    # The buttons are gone, as in Telegram: pressing again is refused, the bot hears nothing.
    async with client.post("/api/chats/admin/press", json=press) as response:
        assert response.status == 409


async def test_the_telegram_language_chosen_in_the_page_is_what_the_bot_hears(
    sandbox: Sandbox, client: aiohttp.ClientSession, events: EventStream
) -> None:
    async with client.post("/api/chats/member/language", json={"language": "fr"}) as response:
        assert response.status == 400
    async with client.post("/api/chats/member/language", json={"language": "en"}) as response:
        assert response.status == 200
    profile = await events.wait_for(lambda e: e["type"] == "profile")
    assert profile == {**profile, "role": "member", "language": "en"}
    assert sandbox.fake.users[MEMBER.user_id].language_code == "en"
    await client.post("/api/chats/member/send", json={"text": "/start"})
    reply = (await events.wait_for(bot_message("member")))["message"]
    t_en = sandbox.application.services.catalogs.for_language("en")
    assert plain(reply).startswith(t_en.t("start.welcome_new", name=MEMBER.first_name))


# ---- files -----------------------------------------------------------------------------------


async def upload(
    client: aiohttp.ClientSession, kind: str, name: str, data: bytes
) -> aiohttp.ClientResponse:
    form = aiohttp.FormData(quote_fields=False)  # names as a browser sends them: raw UTF-8
    form.add_field("kind", kind)
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    return await client.post("/api/chats/member/upload", data=form)


async def test_an_uploaded_file_reaches_the_fake_as_a_document_or_a_photo(
    sandbox: Sandbox, client: aiohttp.ClientSession, events: EventStream
) -> None:
    fake, member = sandbox.fake, MEMBER.user_id
    letter = samples.pdf("Request letter", "for the sandbox test")
    assert (await upload(client, "document", "คำขอ letter.pdf", letter)).status == 200
    sent = fake.incoming_messages(member)[-1]["document"]
    assert sent["file_name"] == "คำขอ letter.pdf" and sent["mime_type"] == "application/pdf"
    stored = fake.file(sent["file_id"])
    assert stored is not None and stored.data == letter
    shown = await events.wait_for(lambda e: e["type"] == "message" and e["message"]["media"])
    assert shown["message"]["media"]["name"] == "คำขอ letter.pdf"
    async with client.get(shown["message"]["media"]["url"]) as response:
        assert await response.read() == letter

    # As in Telegram, a photo reaches the bot as a JPEG, whatever image was sent.
    photo = samples.png(40, 30)
    assert (await upload(client, "photo", "me.png", photo)).status == 200
    sizes = fake.incoming_messages(member)[-1]["photo"]
    stored = fake.file(sizes[-1]["file_id"])
    assert stored is not None and stored.data.startswith(b"\xff\xd8\xff")
    assert (sizes[-1]["width"], sizes[-1]["height"]) == (40, 30)
    # A PDF is no photo (Telegram would not take it as one either).
    assert (await upload(client, "photo", "letter.pdf", letter)).status == 400
    assert (await upload(client, "document", "empty.pdf", b"")).status == 400


async def test_files_the_bot_sends_download_with_their_bytes(
    sandbox: Sandbox, client: aiohttp.ClientSession
) -> None:
    data = samples.pdf("Certificate", "sample")
    bot = sandbox.application.bot
    await bot.send_document(MEMBER.user_id, data, filename="certificate.pdf", caption="ใบรับรอง")
    await bot.send_photo(MEMBER.user_id, samples.png(20, 20))
    async with client.get("/api/state") as response:
        messages = (await response.json())["chats"][0]["messages"]
    document, photo = (m["media"] for m in messages)
    assert document["name"] == "certificate.pdf" and plain(messages[0]) == "ใบรับรอง"
    async with client.get(document["url"]) as response:
        assert response.status == 200 and await response.read() == data
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "certificate.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    async with client.get(photo["url"] + "?inline=1") as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith("inline;")
    async with client.get("/api/files/no-such-file") as response:
        assert response.status == 404


# ---- what the page is told about messages ------------------------------------------------


async def test_html_messages_reach_the_page_as_whitelisted_nodes_only(
    sandbox: Sandbox, client: aiohttp.ClientSession
) -> None:
    text = (
        '<b>Approved</b> &lt;script&gt;alert(1)&lt;/script&gt; <a href="javascript:alert(1)">x</a>'
        ' <a href="https://example.org/a?b=1&amp;c=2">site</a> <span class="tg-spoiler">s</span>'
    )
    await sandbox.application.bot.send_message(MEMBER.user_id, text, parse_mode="HTML")
    async with client.get("/api/state") as response:
        (message,) = (await response.json())["chats"][0]["messages"]
    assert message["rich"] == [
        {"tag": "b", "children": ["Approved"]},
        " <script>alert(1)</script> ",
        {"tag": "span", "children": ["x"]},
        " ",
        {"tag": "a", "href": "https://example.org/a?b=1&c=2", "children": ["site"]},
        " ",
        {"tag": "spoiler", "children": ["s"]},
    ]


def test_entities_nest_and_count_utf16_units() -> None:
    from bot.sandbox.richtext import from_entities, from_html

    text = "😀 bold italic link"
    entities = [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 8, "length": 6},
        {"type": "text_link", "offset": 15, "length": 4, "url": "tg://user?id=1"},
    ]
    assert from_entities(text, entities) == [
        "😀 ",
        {"tag": "b", "children": ["bold ", {"tag": "i", "children": ["italic"]}]},
        " ",
        {"tag": "span", "children": ["link"]},  # tg:// is not followed from the page
    ]
    assert from_html("<unknown><i>kept</i></unknown> <pre><code class='x'>c</code></pre>") == [
        {"tag": "i", "children": ["kept"]},
        " ",
        {"tag": "pre", "children": [{"tag": "code", "children": ["c"]}]},
    ]


# ---- demo ------------------------------------------------------------------------------------


async def test_demo_seeds_people_and_cases_at_many_stages_and_starts_quiet() -> None:
    async with Sandbox(port=0, demo=True) as sandbox:
        services = sandbox.application.services
        conn = services.db.conn
        async with conn.execute("SELECT status, COUNT(*) FROM cases GROUP BY status") as cursor:
            counts = {row[0]: row[1] for row in await cursor.fetchall()}
        async with conn.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'") as cursor:
            row = await cursor.fetchone()
        people = {
            role: await users_repo.get(conn, who.user_id)
            for role in ("member", "officer", "admin")
            if (who := person(role)) is not None
        }
        member, officer, admin = people["member"], people["officer"], people["admin"]
        assert member is not None and officer is not None and admin is not None
        assert member.role is Role.MEMBER and member.foundation_id is not None
        async with conn.execute(
            "SELECT province FROM foundations WHERE id = ?", (member.foundation_id,)
        ) as cursor:
            foundation = await cursor.fetchone()
        dashboard = await services.officers.dashboard(officer.id)
        menu = sandbox.fake.commands({"type": "chat", "chat_id": officer.id})
        sent = [m for who in people.values() if who for m in sandbox.fake.messages(who.id)]
    assert len(counts) >= 8, counts
    assert {"draft", "awaiting_check", "awaiting_correction", "completed"} <= set(counts)
    assert row is not None and row[0] == 0  # the seeded past sends nothing to the chats
    assert officer.role is Role.OFFICER and foundation is not None
    assert officer.province == foundation[0]
    assert admin.role is Role.ADMIN
    assert sum(dashboard.counts.values()) >= 5 and dashboard.province == officer.province
    assert "dashboard" in [c["command"] for c in menu]  # as if they had joined in the chat
    assert sent == []


async def test_without_demo_the_officer_is_staff_for_every_province(sandbox: Sandbox) -> None:
    officer = person("officer")
    assert officer is not None
    stored = await users_repo.get(sandbox.application.services.db.conn, officer.user_id)
    assert stored is not None and stored.role is Role.OFFICER and stored.province is None


# ---- the command -----------------------------------------------------------------------------


async def test_python_m_bot_sandbox_runs_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTBOT_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        "--port",
        "0",
        cwd=tmp_path,  # no .env and no token: none is needed
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        # Bounds for a process starting on a busy machine (a cold start took 25 s on a
        # loaded CI box), not expectations of speed: each wait ends as soon as the line comes.
        first = (await asyncio.wait_for(process.stdout.readline(), 120)).decode()
        second = (await asyncio.wait_for(process.stdout.readline(), 60)).decode()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        data_dir = Path(second.split(" in ", 1)[1].strip())
        assert url and await asyncio.to_thread(data_dir.is_dir), (first, second)
        async with aiohttp.ClientSession() as session, session.get(url.group(0)) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        code = await asyncio.wait_for(process.wait(), 60)
        errors = (await process.stderr.read()).decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0 and "Traceback" not in errors, errors
    assert not await asyncio.to_thread(data_dir.exists)
