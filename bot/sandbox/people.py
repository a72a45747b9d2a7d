"""The three people the sandbox page plays, one chat each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ChatRole = Literal["member", "officer", "admin"]
ROLES: tuple[ChatRole, ...] = ("member", "officer", "admin")


@dataclass(frozen=True, slots=True)
class Person:
    role: ChatRole
    user_id: int
    first_name: str
    language: str
    """The ``language_code`` the fake user starts with; the page can change it."""


# Ids far from the demo's other seeded people, so the page never shows someone else's chat.
PEOPLE: tuple[Person, ...] = (
    Person("member", 100_001, "สมหญิง", "th"),
    Person("officer", 200_001, "วิชัย", "th"),
    Person("admin", 300_001, "Arun", "en"),
)


def person(role: str) -> Person | None:
    return next((p for p in PEOPLE if p.role == role), None)


def by_user_id(user_id: int | None) -> Person | None:
    return next((p for p in PEOPLE if p.user_id == user_id), None)
