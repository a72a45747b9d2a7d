"""What handlers reach at run time: the services, typed, on the application and the context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from telegram.ext import Application, CallbackContext, ExtBot

from bot.actions.application import ApplicationActions
from bot.actions.consideration import ConsiderationActions
from bot.actions.correction import CorrectionActions
from bot.actions.issuance import IssuanceActions
from bot.actions.review import ReviewActions
from bot.checklist import Checklist
from bot.clock import Clock
from bot.config import Settings
from bot.files import FileStore
from bot.i18n import Catalogs, Translator
from bot.kernel.kernel import CaseKernel
from bot.privacy import PrivacyNotice
from bot.services.applications import ApplicationService
from bot.services.corrections import CorrectionService
from bot.services.foundations import FoundationService
from bot.services.invites import InviteService
from bot.services.issuance import IssuanceService
from bot.services.officers import OfficerService
from bot.services.reminders import ReminderService
from bot.services.users import UserService
from storage.db import Database
from storage.models import User


@dataclass
class Services:
    settings: Settings
    db: Database
    catalogs: Catalogs
    checklist: Checklist
    files: FileStore
    clock: Clock
    users: UserService
    kernel: CaseKernel
    # What each feature does to a case (``bot.actions``), one object per feature.
    application: ApplicationActions
    correction: CorrectionActions
    review: ReviewActions
    consideration: ConsiderationActions
    issuing: IssuanceActions
    invites: InviteService
    privacy: PrivacyNotice
    foundations: FoundationService
    applications: ApplicationService
    corrections: CorrectionService
    officers: OfficerService
    reminders: ReminderService
    issuance: IssuanceService


class CertBotApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's Application with our services attached (set once, before it starts)."""

    services: Services


class BotContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """The context handlers get: services and, for the current update, who and in what language.

    PTB builds one context per update and reuses it across handler groups, so the first group's
    ``identify`` handler fills ``user`` and ``tr`` for every later handler of that update.
    """

    user: User | None = None
    tr: Translator | None = None

    @property
    def services(self) -> Services:
        return cast(CertBotApplication, self.application).services

    @property
    def t(self) -> Translator:
        if self.tr is None:
            # Jobs and the error handler have no identified person: use the default language.
            self.tr = self.services.catalogs.for_language(self.services.settings.default_language)
        return self.tr
