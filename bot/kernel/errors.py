"""Errors the kernel and the feature actions raise besides the workflow's own; each carries a
catalog message id."""

from __future__ import annotations

from bot.i18n_marker import N_
from bot.workflow import WorkflowError


class CaseNotFound(WorkflowError):
    def __init__(self) -> None:
        super().__init__(N_("error.case_not_found"))


class VersionConflict(WorkflowError):
    """Someone changed the case after this person last saw it: show it again, change nothing."""

    def __init__(self, current_version: int | None) -> None:
        super().__init__(N_("common.conflict"))
        self.current_version = current_version


class InvalidInput(WorkflowError):
    """Text or a choice that does not fit (too long, empty where required, unknown item)."""


class StaleAppointment(WorkflowError):
    """The pickup appointment answered is no longer the current one, or already has this
    answer: nothing is saved twice; the person is shown the appointment as it is now."""
