"""The parts every foundation form shares: field descriptions, and filling a pydantic form one
answer at a time so that it is valid after every step (never only at the end).

A form is a pydantic model whose fields are all optional; a ``FieldSpec`` says how one of them
is asked, parsed and shown. ``answer`` parses what the person typed (or the button they chose),
puts it in a copy of the form and validates the whole form again, so rules across fields
(the period ends after it starts) are checked the moment either field changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from pydantic import BaseModel, ValidationError

from bot.field_rules import FieldError
from bot.i18n_marker import N_, MsgId
from bot.workflow import WorkflowError

FieldKind = Literal["text", "date", "choice", "province"]
Parser = Callable[[str, date], object]
Form = TypeVar("Form", bound=BaseModel)

SUMMARY = "summary"
BUTTON_KINDS: frozenset[FieldKind] = frozenset({"choice", "province"})


class StaleStep(WorkflowError):
    """A button for a step the person is no longer on (an old message, or pressed twice)."""

    def __init__(self) -> None:
        super().__init__(N_("common.stale_button"))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    key: str
    label: MsgId
    """Shown in summaries: "Passport number"."""
    prompt: MsgId
    """The question: "Type the passport number as printed in the passport"."""
    parse: Parser
    kind: FieldKind = "text"
    choices: tuple[Choice, ...] = ()
    """For ``choice`` fields: what the buttons offer."""

    def choice_label(self, value: object) -> MsgId | None:
        return next((c.label for c in self.choices if c.value == value), None)


@dataclass(frozen=True, slots=True)
class Choice:
    token: str
    """What the button carries (short lowercase ASCII)."""
    label: MsgId
    value: object
    """What the form stores."""


def choice_field(key: str, label: MsgId, prompt: MsgId, *choices: Choice) -> FieldSpec:
    """A field answered with one of a few buttons."""
    values = {c.token: c.value for c in choices}

    def parse(raw: str, _today: date) -> object:
        if raw not in values:
            raise FieldError(N_("foundation.error.use_buttons"))
        return values[raw]

    return FieldSpec(key, label, prompt, parse, kind="choice", choices=choices)


def text_parser(rule: Callable[[str], object]) -> Parser:
    """A parser for ``FieldSpec`` from a rule that needs no date."""

    def parse(raw: str, _today: date) -> object:
        return rule(raw)

    return parse


def first_empty(form: BaseModel, specs: Sequence[FieldSpec]) -> str | None:
    return next((s.key for s in specs if getattr(form, s.key) is None), None)


def spec_of(specs: Sequence[FieldSpec], key: str) -> FieldSpec | None:
    return next((s for s in specs if s.key == key), None)


def answer(form: Form, spec: FieldSpec, raw: str, today: date) -> Form:
    """A new, validated form with this field set from ``raw``; ``FieldError`` if it does not fit."""
    value = spec.parse(raw, today)
    data = form.model_dump()
    data[spec.key] = value
    try:
        return type(form).model_validate(data)
    except ValidationError as error:
        raise as_field_error(error) from None


def as_field_error(error: ValidationError) -> FieldError:
    """The rule's own message when a validator raised ``FieldError``, else a generic one."""
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            return cause
    return FieldError(N_("foundation.error.invalid_value"))


def take(
    specs: Sequence[FieldSpec],
    step: str,
    button_field: str | None,
    raw: str,
    form: Form,
    today: date,
) -> Form:
    """Answer the field being asked, by typing or by one of its buttons, and nothing else.

    ``button_field`` is the field a pressed button belongs to (None for typed text): a button
    of another step is stale, and a field with buttons does not take typed text.
    """
    spec = spec_of(specs, step)
    if spec is None:
        if button_field is not None:
            raise StaleStep()
        raise FieldError(N_("foundation.error.use_buttons"))
    if button_field is not None and (button_field != step or spec.kind not in BUTTON_KINDS):
        raise StaleStep()
    if button_field is None and spec.kind in BUTTON_KINDS:
        raise FieldError(N_("foundation.error.use_buttons"))
    return answer(form, spec, raw, today)
