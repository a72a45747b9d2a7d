"""The feature actions wired to one kernel, for tests that run them without the bot."""

from __future__ import annotations

from dataclasses import dataclass

from bot.actions.application import ApplicationActions
from bot.actions.consideration import ConsiderationActions
from bot.actions.correction import CorrectionActions
from bot.actions.issuance import IssuanceActions
from bot.actions.review import ReviewActions
from bot.checklist import Checklist
from bot.clock import Clock
from bot.kernel.kernel import CaseKernel
from bot.workdays import WorkCalendar
from storage.db import Database


@dataclass(frozen=True, slots=True)
class ActionSet:
    kernel: CaseKernel
    application: ApplicationActions
    correction: CorrectionActions
    review: ReviewActions
    consideration: ConsiderationActions
    issuing: IssuanceActions

    @classmethod
    def build(
        cls,
        db: Database,
        checklist: Checklist,
        clock: Clock,
        calendar: WorkCalendar | None = None,
    ) -> ActionSet:
        kernel = CaseKernel(db, checklist, clock, calendar)
        return cls(
            kernel,
            ApplicationActions(kernel),
            CorrectionActions(kernel),
            ReviewActions(kernel),
            ConsiderationActions(kernel),
            IssuanceActions(kernel),
        )
