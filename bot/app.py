"""Wiring: open resources, build the PTB Application, register handlers in order, run."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    PersistenceInput,
)

from bot.actions.application import ApplicationActions
from bot.actions.consideration import ConsiderationActions
from bot.actions.correction import CorrectionActions
from bot.actions.issuance import IssuanceActions
from bot.actions.review import ReviewActions
from bot.callbacks import Codec
from bot.checklist import Checklist, load_checklist
from bot.clock import Clock, system_clock
from bot.config import SUPPORTED_LANGUAGES, Settings
from bot.fairness import PersonalUpdateProcessor, flood_rule
from bot.fairness import attach as attach_fairness
from bot.files import FileStore
from bot.i18n import Catalogs, load_catalogs
from bot.issuance.config import IssuanceConfig, load_issuance_config
from bot.kernel.kernel import CaseKernel
from bot.outbox import Extras, OutboxWorker
from bot.persistence import SQLitePersistence
from bot.privacy import PrivacyNotice, load_privacy_notice
from bot.runtime import BotContext, CertBotApplication, Services
from bot.services.applications import ApplicationService
from bot.services.corrections import CorrectionService
from bot.services.foundations import FoundationService
from bot.services.invites import InviteService
from bot.services.issuance import IssuanceService
from bot.services.officers import OfficerService
from bot.services.reminders import ReminderService
from bot.services.users import UserService
from bot.startup import check_files, wait_for_telegram
from bot.workdays import WorkCalendar
from bot.workflow import Role
from handlers import common, digest, errors
from handlers.feature import Conversation, Feature
from handlers.foundation import application as foundation_application
from handlers.foundation import correction as foundation_correction
from handlers.foundation import joining as foundation_joining
from handlers.foundation import pickup as foundation_pickup
from handlers.foundation import registration as foundation_registration
from handlers.foundation import resume as foundation_resume
from handlers.foundation import tracking as foundation_tracking
from handlers.menus import commands_for
from handlers.officer import admin as officer_admin
from handlers.officer import case_view as officer_case_view
from handlers.officer import dashboard as officer_dashboard
from handlers.officer import issuance as officer_issuance
from handlers.officer import join as officer_join
from handlers.officer import review_input as officer_review
from storage.db import Database
from storage.migrate import migrate

logger = logging.getLogger(__name__)


async def open_services(settings: Settings, clock: Clock = system_clock) -> Services:
    """Every resource the bot needs; ``clock`` is the one source of "now" for all of them."""
    # Every file first: a broken one stops start-up before anything is opened or written.
    catalogs = load_catalogs(settings.locales_dir, tz=settings.tz)
    checklist = load_checklist(settings.checklist_file)
    privacy = load_privacy_notice(settings.privacy_notice_file)
    offices = load_issuance_config(settings.office_file)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    settings.data_dir.chmod(0o700)
    db = await Database.open(settings.database_path)
    try:
        return await _services(settings, clock, db, catalogs, checklist, privacy, offices)
    except BaseException:
        # aiosqlite's thread would keep the process alive after a failed start.
        await db.close()
        raise


async def _services(
    settings: Settings,
    clock: Clock,
    db: Database,
    catalogs: Catalogs,
    checklist: Checklist,
    privacy: PrivacyNotice,
    offices: IssuanceConfig,
) -> Services:
    applied = await migrate(db, clock=clock)
    if applied:
        logger.info("applied migrations: %s", ", ".join(applied))
    calendar = WorkCalendar(settings.tz)
    kernel = CaseKernel(db, checklist, clock, calendar)
    application = ApplicationActions(kernel)
    correction = CorrectionActions(kernel)
    issuing = IssuanceActions(kernel)
    invites = InviteService(db, clock)
    officers = OfficerService(kernel, settings.tz)
    files = FileStore(settings.files_dir)
    services = Services(
        settings=settings,
        db=db,
        catalogs=catalogs,
        checklist=checklist,
        files=files,
        clock=clock,
        users=UserService(db, settings.default_language, clock),
        kernel=kernel,
        application=application,
        correction=correction,
        review=ReviewActions(kernel),
        consideration=ConsiderationActions(kernel),
        issuing=issuing,
        invites=invites,
        privacy=privacy,
        foundations=FoundationService(db, kernel, invites, privacy, clock, settings.tz),
        applications=ApplicationService(
            db, kernel, application, privacy.version, clock, settings.tz
        ),
        corrections=CorrectionService(db, kernel, application, correction, clock, settings.tz),
        officers=officers,
        reminders=ReminderService(db, kernel, catalogs, settings.reminders, calendar, clock),
        issuance=IssuanceService(kernel, issuing, officers, files, catalogs, offices, settings.tz),
    )
    await services.users.ensure_admins(settings.admin_ids)
    return services


def features() -> list[Feature]:
    """Every feature, in the order PTB consults their handlers; the last one, ``common``,
    shows the others' start screens for /start."""
    parts = [
        officer_join.feature(),
        officer_review.feature(),
        officer_issuance.feature(),
        officer_dashboard.feature(),
        officer_case_view.feature(),
        officer_admin.feature(),
        foundation_joining.feature(),
        foundation_registration.feature(),
        foundation_application.feature(),
        foundation_correction.feature(),
        foundation_tracking.feature(),
        foundation_pickup.feature(),
        foundation_resume.feature(),
        digest.feature(),
    ]
    screens = {role: screen for part in parts for role, screen in part.start_screens.items()}
    return [*parts, common.feature(screens)]


def codec(parts: Sequence[Feature]) -> Codec:
    """The button kinds the guard lets through: those the features make."""
    return Codec(kind for part in parts for kind in part.buttons)


def outbox_extras(parts: Sequence[Feature]) -> Extras:
    """What the features put under and beside their notifications."""
    return Extras(
        buttons=[make for part in parts for make in part.notification_buttons.values()],
        documents={kind: make for part in parts for kind, make in part.documents.items()},
    )


def build_application(
    services: Services, parts: Sequence[Feature] | None = None
) -> CertBotApplication:
    parts = features() if parts is None else parts
    settings = services.settings
    context_types = ContextTypes(context=BotContext)
    processor = PersonalUpdateProcessor(flood_rule(settings))
    application = (
        ApplicationBuilder()
        .application_class(CertBotApplication)
        .concurrent_updates(processor)
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(Defaults(tzinfo=settings.tz))
        .rate_limiter(AIORateLimiter(max_retries=0))
        .context_types(context_types)
        .persistence(
            SQLitePersistence(
                services.db,
                update_interval=settings.persistence_interval_seconds,
                # Only conversation state and per-person wizard data: services are not data.
                store_data=PersistenceInput(
                    bot_data=False, chat_data=False, user_data=True, callback_data=False
                ),
            )
        )
        .build()
    )
    assert isinstance(application, CertBotApplication)
    application.services = services
    attach_fairness(processor, application)
    register_handlers(application, parts)
    return application


def register_handlers(application: CertBotApplication, parts: Sequence[Feature]) -> None:
    """Every handler, in the order PTB consults them."""
    application.add_handlers(common.identify_handlers(), group=common.GROUP_IDENTIFY)
    application.add_handlers(common.guard_handlers(codec(parts)), group=common.GROUP_GUARD)
    # Each side's conversation first, put together from the features that join it, in order.
    conversations: dict[Conversation, list[Feature]] = {}
    for part in parts:
        if part.conversation is not None:
            conversations.setdefault(part.conversation, []).append(part)
    for conversation, joined in conversations.items():
        application.add_handler(conversation.build(joined), group=common.GROUP_FEATURES)
    for part in parts:
        application.add_handlers(list(part.handlers), group=common.GROUP_FEATURES)
    application.add_handlers(common.fallback_handlers(), group=common.GROUP_FALLBACK)
    application.add_handlers(common.persist_handlers(), group=common.GROUP_PERSIST)
    application.add_error_handler(errors.on_error)


def schedule_jobs(application: CertBotApplication, extras: Extras) -> None:
    job_queue = application.job_queue
    assert job_queue is not None
    worker = OutboxWorker(application.bot, application.services, extras)
    job_queue.run_repeating(
        _outbox_job,
        interval=application.services.settings.outbox_interval_seconds,
        first=0.1,
        name="outbox",
        data=worker,
        # A run drains for up to 20 s; the worker's own lock turns an overlapping run into a
        # no-op, so APScheduler need not skip (and warn about) it.
        job_kwargs={"max_instances": 2},
    )
    if not application.services.settings.reminders_enabled:
        return
    job_queue.run_repeating(
        _reminder_job,
        interval=application.services.settings.reminder_scan_interval_seconds,
        first=1.0,
        name="reminders",
    )


async def _reminder_job(context: BotContext) -> None:
    await context.services.reminders.scan()


async def _outbox_job(context: BotContext) -> None:
    assert context.job is not None and isinstance(context.job.data, OutboxWorker)
    await context.job.data.run()


async def set_command_menus(application: CertBotApplication) -> None:
    """The command menu in each language; people whose language we lack get the default."""
    catalogs = application.services.catalogs
    for lang in (*SUPPORTED_LANGUAGES, None):
        t = catalogs.for_language(lang or application.services.settings.default_language)
        await application.bot.set_my_commands(commands_for(Role.NONE, t), language_code=lang)


@contextlib.asynccontextmanager
async def running(
    settings: Settings, poll_timeout: int = 10, clock: Clock = system_clock
) -> AsyncIterator[CertBotApplication]:
    """The bot, started and polling; stopped and closed on exit. Used by ``run`` and tests."""
    services = await open_services(settings, clock)
    try:
        parts = features()
        application = build_application(services, parts)
        async with application:  # initialize() ... shutdown(), which flushes persistence
            await set_command_menus(application)
            schedule_jobs(application, outbox_extras(parts))
            assert application.updater is not None
            await application.updater.start_polling(
                poll_interval=0.0, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
            await application.start()
            try:
                yield application
            finally:
                await application.updater.stop()
                # No new job run from here on: PTB waits for the runs under way, then shuts
                # APScheduler down, which cancels a run that started meanwhile and logs it as
                # an error with a traceback (seen with the outbox job on a clean stop).
                if application.job_queue is not None:
                    application.job_queue.scheduler.pause()
                await application.stop()
    finally:
        await services.db.close()


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until SIGINT/SIGTERM (or ``stop`` is set), then shut down cleanly."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    # Files, then Telegram: a broken file or a rejected token stops here, before the database
    # is opened; a stop signal ends the retries while Telegram is out of reach.
    check_files(settings)
    if not await _until_stopped(wait_for_telegram(settings), stop):
        return
    async with running(settings):
        logger.info("bot is running")
        await stop.wait()


async def _until_stopped(step: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run ``step`` unless ``stop`` is set first; whether it ran to the end (errors propagate)."""
    task = asyncio.ensure_future(step)
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return False
    task.result()
    return True
