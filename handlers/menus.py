"""Command menus: the general one per language, and a per-person one for each role.

Telegram shows a chat-scoped menu in preference to the general one, so when someone's role or
language changes we set the commands of their private chat to what their role can use, in
their language. Features add their commands to ``ROLE_COMMANDS``.
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.i18n import Translator
from bot.i18n_marker import N_, MsgId
from bot.workflow import Role

BASE_COMMANDS: dict[str, MsgId] = {
    "start": N_("command.start"),
    "help": N_("command.help"),
    "language": N_("command.language"),
    "cancel": N_("command.cancel"),
}

# Extra commands per role, in menu order, with the catalog id of each description.
ROLE_COMMANDS: dict[Role, dict[str, MsgId]] = {
    Role.NONE: {},
    Role.MEMBER: {
        "new": N_("foundation.command.new"),
        "continue": N_("foundation.command.continue"),
        "cases": N_("foundation.command.cases"),
        "invite": N_("foundation.command.invite"),
    },
    Role.OFFICER: {
        "dashboard": N_("officer.command.dashboard"),
        "find": N_("officer.command.find"),
        "digest": N_("command.digest"),
    },
    Role.ADMIN: {
        "dashboard": N_("officer.command.dashboard"),
        "find": N_("officer.command.find"),
        "officers": N_("officer.command.officers"),
    },
}


def commands_for(role: Role, t: Translator) -> list[BotCommand]:
    merged = {**BASE_COMMANDS, **ROLE_COMMANDS.get(role, {})}
    return [BotCommand(name, t.t(msg_id)) for name, msg_id in merged.items()]


async def set_menu_for(bot: Bot, user_id: int, role: Role, t: Translator) -> None:
    """The menu of one person's private chat, for their role, in their language."""
    await bot.set_my_commands(commands_for(role, t), scope=BotCommandScopeChat(user_id))
