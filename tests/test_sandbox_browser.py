"""The sandbox page in a real browser: Playwright driving Debian's Chromium.

Optional for now: skipped unless the ``playwright`` package and ``/usr/bin/chromium`` are both
installed (``apt-get install chromium`` and ``pip install playwright``; never
``playwright install``, which downloads a browser). The first test takes the README's
screenshot, ``docs/sandbox.png``.

``PageChat`` acts in one chat as a person would, so the end-to-end flow (register, submit,
correct, approve) reads step by step::

    member, officer = chats["member"], chats["officer"]
    await member.send("/start")
    await member.press(t_th.t("foundation.button.register"))
    await member.attach(tmp_path / "letter.pdf")
    await officer.wait_for_text("VC-")
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.i18n import Translator
from bot.sandbox import samples
from bot.sandbox.people import ROLES, person
from bot.sandbox.server import Sandbox

playwright_api = pytest.importorskip("playwright.async_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")

# Headless, offline and quiet: no first-run pages, updates, sync or QUIC to the outside.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO_ROOT / "docs" / "sandbox.png"
TIMEOUT_MS = 8000

Browser = playwright_api.Browser
Page = playwright_api.Page
Locator = playwright_api.Locator
expect = playwright_api.expect


class PageChat:
    """One chat of the page, used the way a person uses it."""

    def __init__(self, page: Page, role: str) -> None:
        self.page = page
        self.role = role
        self.root: Locator = page.locator(f'section.chat[data-chat="{role}"]')

    async def show(self) -> None:
        """On a narrow screen only one chat is shown: open this one's tab."""
        tab = self.page.locator(f'.tab[data-role="{self.role}"]')
        if await tab.is_visible():
            await tab.click()

    def bot_messages(self) -> Locator:
        return self.root.locator(".msg.bot")

    async def send(self, text: str) -> None:
        """Type and send; returns once the message shows in the chat."""
        await self.show()
        before = await self.root.locator(".msg.user").count()
        box = self.root.locator("textarea.input")
        await box.fill(text)
        await box.press("Enter")
        await expect(self.root.locator(".msg.user")).to_have_count(before + 1, timeout=TIMEOUT_MS)

    async def press(self, button_text: str) -> None:
        """Press the inline button with exactly this text on the newest message that has it."""
        await self.show()
        button = self.root.locator(".keyboard .kb-btn").filter(
            has_text=re.compile(f"^{re.escape(button_text)}$")
        )
        await button.last.click(timeout=TIMEOUT_MS)

    async def attach(self, path: Path, *, as_photo: bool = False) -> None:
        """Send a file through the attach button's file chooser, as a document or a photo."""
        await self.show()
        before = await self.root.locator(".msg.user").count()
        kind = "photo" if as_photo else "document"
        await self.root.locator(f'.file-input[data-kind="{kind}"]').set_input_files(path)
        await expect(self.root.locator(".msg.user")).to_have_count(before + 1, timeout=TIMEOUT_MS)

    async def wait_for_text(self, text: str, timeout: int = TIMEOUT_MS) -> None:  # noqa: ASYNC109
        """Wait until a bot message contains ``text`` (edits count: they replace in place)."""
        found = self.bot_messages().filter(has_text=text)
        await expect(found.last).to_be_attached(timeout=timeout)

    async def wait_for_bot_messages(self, count: int) -> None:
        await expect(self.bot_messages()).to_have_count(count, timeout=TIMEOUT_MS)

    async def last_bot_text(self) -> str:
        return await self.bot_messages().last.inner_text()

    async def use_menu(self, command: str) -> None:
        """Open the command menu the bot set and choose ``/command``."""
        await self.show()
        await self.root.locator(".menu-btn").click()
        await self.root.locator(".menu-pop button").filter(has_text=f"/{command}").first.click()

    async def set_telegram_language(self, language: str) -> None:
        await self.root.locator(".lang-select").select_option(language)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with Sandbox(port=0, demo=True) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with playwright_api.async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        await chromium.close()


class Opened:
    """The page, and the script errors it reported (each test ends expecting none)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def chat(self, role: str) -> PageChat:
        return PageChat(self.page, role)


async def open_page(browser: Browser, sandbox: Sandbox, width: int, height: int) -> Opened:
    page = await browser.new_page(viewport={"width": width, "height": height}, locale="en-GB")
    opened = Opened(page)
    await page.goto(sandbox.url)
    await expect(page.locator("#conn")).to_have_attribute("data-state", "on")
    return opened


def translators(sandbox: Sandbox) -> tuple[Translator, Translator]:
    catalogs = sandbox.application.services.catalogs
    return catalogs.for_language("th"), catalogs.for_language("en")


def user_id(role: str) -> int:
    who = person(role)
    assert who is not None
    return who.user_id


async def test_three_chats_work_in_chromium_and_the_readme_screenshot_is_taken(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    opened = await open_page(browser, sandbox, 1440, 900)
    page = opened.page
    await page.locator('[data-ui-lang="en"]').click()
    member, officer, admin = (opened.chat(role) for role in ROLES)
    t_th, t_en = translators(sandbox)
    who = person("member")
    assert who is not None

    await member.send("/start")
    await member.wait_for_text(t_th.t("start.welcome_member", name=who.first_name))
    await officer.use_menu("dashboard")
    await officer.wait_for_bot_messages(1)
    await admin.root.locator(".start-btn").click()
    await admin.wait_for_bot_messages(1)

    await member.send("/language")
    await member.wait_for_text(t_th.t("language.choose"))
    await member.press(t_th.t("language.button_en"))
    await member.wait_for_text(t_en.t("language.saved"))  # the same message, edited
    await expect(member.root.locator(".msg.bot .edited")).to_have_count(1)

    # Buttons of earlier messages still work: the member's list of cases, the officer's queue.
    await member.press(t_th.t("foundation.button.cases"))
    await member.wait_for_text("JOHN SMITH")  # a seeded case of the member's foundation
    await officer.bot_messages().last.locator(".kb-btn").first.click()
    await officer.wait_for_text("LUCAS MULLER")  # waiting for the officer's first check

    await page.wait_for_timeout(300)  # let the last bubble's animation settle
    # The README's picture is refreshed on request only, so a test run leaves the tree clean.
    shot = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "sandbox.png"
    await page.screenshot(path=str(shot))
    assert opened.errors == []


async def test_attach_sends_the_real_file_and_downloads_give_it_back(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    opened = await open_page(browser, sandbox, 1280, 800)
    member = opened.chat("member")
    letter = tmp_path / "request-letter.pdf"
    letter.write_bytes(samples.pdf("Request letter", "attached in Chromium"))
    photo = tmp_path / "volunteer.png"
    photo.write_bytes(samples.png())

    await member.attach(letter)
    await member.attach(photo, as_photo=True)
    sent = sandbox.fake.incoming_messages(user_id("member"))
    document = sandbox.fake.file(sent[-2]["document"]["file_id"])
    assert document is not None and document.data == letter.read_bytes()
    assert "photo" in sent[-1]
    async with opened.page.expect_download() as download_info:
        await member.root.locator(".msg.user a.file").last.click()
    download = await download_info.value
    assert download.suggested_filename == "request-letter.pdf"
    saved = await download.path()
    assert await asyncio.to_thread(saved.read_bytes) == letter.read_bytes()
    await expect(member.root.locator(".msg.user .photo img")).to_have_count(1)
    assert opened.errors == []


async def test_an_invitation_link_opens_in_the_chat_chosen_for_it(
    sandbox: Sandbox, browser: Browser
) -> None:
    opened = await open_page(browser, sandbox, 1280, 800)
    username = sandbox.fake.bot_user["username"]
    link = f"https://t.me/{username}?start=o_SandboxInvitationCode123"
    await sandbox.application.bot.send_message(user_id("admin"), f"Send this link: {link}")
    admin, officer = opened.chat("admin"), opened.chat("officer")
    await admin.root.locator(".msg.bot a", has_text=link).click()
    await opened.page.locator('#overlay button[data-role="officer"]').click()
    await expect(officer.root.locator(".msg.user").last).to_have_text(
        re.compile(r"^/start o_SandboxInvitationCode123")
    )
    assert opened.errors == []


async def test_on_a_phone_one_chat_shows_at_a_time_with_tabs(
    sandbox: Sandbox, browser: Browser, tmp_path: Path
) -> None:
    opened = await open_page(browser, sandbox, 390, 844)
    page = opened.page
    await expect(page.locator(".tab")).to_have_count(3)
    await expect(page.locator("section.chat:visible")).to_have_count(1)
    officer = opened.chat("officer")
    await officer.send("/start")  # opens the officer's tab first
    await expect(officer.root).to_be_visible()
    await expect(page.locator('section.chat[data-chat="member"]')).to_be_hidden()
    await officer.wait_for_bot_messages(1)
    await page.screenshot(path=str(tmp_path / "phone.png"))
    assert opened.errors == []
