"""The README keeps up with the code: every ``CERTBOT_*`` setting has a row in its
configuration table (and every row names a setting that exists), and its quick start is the
two commands that work on any machine, the second being exactly the test command CI runs."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import BaseModel
from pydantic_settings import BaseSettings

from bot.config import REPO_ROOT, Settings

README = REPO_ROOT / "README.md"
CI = REPO_ROOT / ".ci" / "run"
_ROW = re.compile(r"^\|\s*`(CERTBOT_[A-Z0-9_]+)`\s*\|(.*)\|\s*$")


def env_names(model: type[BaseModel], prefix: str, delimiter: str) -> Iterator[str]:
    """The environment variable of every field, nested settings models included."""
    for name, field in model.model_fields.items():
        env = f"{prefix}{name}".upper()
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from env_names(field.annotation, f"{env}{delimiter}", delimiter)
        else:
            yield env


def settings_env_names(settings: type[BaseSettings] = Settings) -> set[str]:
    config = settings.model_config
    prefix = config.get("env_prefix") or ""
    delimiter = config.get("env_nested_delimiter") or "__"
    return set(env_names(settings, prefix, delimiter))


def section(title: str) -> str:
    return README.read_text(encoding="utf-8").split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def readme_rows() -> dict[str, list[str]]:
    """Configuration table rows: variable -> its other cells (default, meaning)."""
    rows: dict[str, list[str]] = {}
    for line in section("Configuration").splitlines():
        if match := _ROW.match(line.strip()):
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_the_settings_are_enumerated_with_their_prefix() -> None:
    names = settings_env_names()
    assert "CERTBOT_BOT_TOKEN" in names
    assert "CERTBOT_QUIET_HOURS_END" in names
    assert all(name.startswith("CERTBOT_") for name in names)


def test_every_setting_is_in_the_readme_table() -> None:
    missing = sorted(settings_env_names() - readme_rows().keys())
    assert missing == [], f"add to the README's configuration table: {', '.join(missing)}"


def test_the_readme_table_names_only_settings_that_exist() -> None:
    stale = sorted(readme_rows().keys() - settings_env_names())
    assert stale == [], f"no such setting (renamed or removed?): {', '.join(stale)}"


def test_every_row_gives_a_default_and_a_meaning() -> None:
    for name, cells in readme_rows().items():
        assert len(cells) == 2 and all(cells), f"{name}: needs | default | meaning |"


def test_the_quick_start_is_the_sandbox_then_the_tests() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", section("Quick start"), re.DOTALL)
    assert len(commands) == 2, commands
    sandbox, tests = commands
    # Works on any machine: no token, no Telegram account.
    assert sandbox.endswith("python -m bot sandbox --demo") and "CERTBOT_" not in sandbox
    ci_lines = CI.read_text(encoding="utf-8").splitlines()
    assert tests in ci_lines, "the README's test command and .ci/run's must be the same"
