"""Commands everyone has: /start, /help, /language, /cancel, and the catch-alls."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.callbacks import Button, Codec
from bot.config import SUPPORTED_LANGUAGES
from bot.i18n_marker import N_
from bot.runtime import BotContext
from bot.workflow import Role
from handlers.feature import Feature, StartScreen
from handlers.menus import set_menu_for
from handlers.respond import Press, on_message, on_press
from storage.models import User

# Handler groups, in the order PTB runs them for one update.
GROUP_IDENTIFY = -100
# Every button press is checked here, before any feature sees it (``ButtonGuard``).
GROUP_GUARD = -50
GROUP_FEATURES = 0
# Catch-alls share the features' group, registered last: PTB runs one handler per group.
GROUP_FALLBACK = GROUP_FEATURES
GROUP_PERSIST = 100

_WELCOME = {
    Role.NONE: N_("start.welcome_new"),
    Role.MEMBER: N_("start.welcome_member"),
    Role.OFFICER: N_("start.welcome_officer"),
    Role.ADMIN: N_("start.welcome_admin"),
}
_HELP = {
    Role.NONE: N_("help.new"),
    Role.MEMBER: N_("help.member"),
    Role.OFFICER: N_("help.officer"),
    Role.ADMIN: N_("help.admin"),
}


class Language(Button, prefix="lang"):
    lang: str


_LANGUAGE_BUTTON = {"th": N_("language.button_th"), "en": N_("language.button_en")}
# A button is read as of the last time its message was sent or edited; older ones do nothing.
MAX_BUTTON_AGE = dt.timedelta(days=30)


async def identify(update: Update, context: BotContext) -> None:
    """Look the person up in the database for every update; buttons never say who someone is."""
    person = update.effective_user
    if person is None:
        return
    services = context.services
    user = await services.users.seen(person.id, person.full_name, person.language_code)
    context.user = user
    context.tr = services.catalogs.for_language(
        services.users.language_of(user, person.language_code)
    )


def _role(context: BotContext) -> Role:
    user = context.user
    return user.role if user is not None and user.active else Role.NONE


class Start:
    """/start: the screen of the feature that owns the person's role (its menu), given by
    ``bot.app``; welcome and help for a role nobody claims."""

    def __init__(self, screens: Mapping[Role, StartScreen]) -> None:
        self.screens = dict(screens)

    async def __call__(self, update: Update, context: BotContext) -> None:
        role, user = _role(context), context.user
        if user is not None and user.role in (Role.OFFICER, Role.ADMIN):
            role = user.role  # deactivated staff get their screen, which tells them so
        screen = self.screens.get(role)
        if screen is not None:
            await screen(update, context)
            return
        await welcome(update, context)


async def welcome(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    name = update.effective_user.first_name if update.effective_user else ""
    t = context.t
    await update.effective_message.reply_text(
        t.t(_WELCOME[_role(context)], name=name) + "\n\n" + t.t(_HELP[_role(context)])
    )


async def help_command(update: Update, context: BotContext, _: User) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t.t(_HELP[_role(context)]))


def _language_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    t = context.t
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    t.t(_LANGUAGE_BUTTON[lang]), callback_data=Language(lang=lang).pack()
                )
                for lang in SUPPORTED_LANGUAGES
            ]
        ]
    )


async def language_command(update: Update, context: BotContext, _: User) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        context.t.t("language.choose"), reply_markup=_language_keyboard(context)
    )


async def language_chosen(press: Press[Language]) -> None:
    lang, context = press.button.lang, press.context
    if lang not in SUPPORTED_LANGUAGES:
        press.stale()
        return
    await context.services.users.set_language(press.user.id, lang)
    context.tr = context.services.catalogs.for_language(lang)
    await set_menu_for(context.bot, press.user.id, _role(context), context.t)
    await press.edit(context.t.t("language.saved"))


async def cancel(update: Update, context: BotContext, _: User) -> None:
    """Reached only when no conversation took /cancel first: there is nothing to cancel."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t.t("common.nothing_to_cancel"))


async def unknown_command(update: Update, context: BotContext, _: User) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t.t("common.unknown_command"))


async def not_understood(update: Update, context: BotContext, _: User) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(context.t.t("common.not_understood"))


async def stale_button(update: Update, context: BotContext) -> None:
    """Any button no feature claimed: forged, truncated or from an old message."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t.t("common.stale_button"), show_alert=True)


def _button_age(message: MaybeInaccessibleMessage | None, now: dt.datetime) -> dt.timedelta:
    """How long ago the pressed button was shown (sent, or last edited). Zero when Telegram
    does not say: an inaccessible message carries no date, and inline messages none at all."""
    if not isinstance(message, Message) or not message.is_accessible:
        return dt.timedelta(0)
    shown = max(message.date, message.edit_date or message.date)
    return now - shown


class ButtonGuard:
    """Callback data is never trusted: anything the application's button kinds did not make
    (forged, truncated, oversized, not ASCII) and any button on a message from long ago is
    answered here, and no feature sees it. Features still check who may do what, and the
    version the person saw."""

    def __init__(self, codec: Codec) -> None:
        self.codec = codec

    async def __call__(self, update: Update, context: BotContext) -> None:
        query = update.callback_query
        assert query is not None
        if self.codec.unpack(query.data) is None:
            refusal = N_("common.stale_button")
        elif _button_age(query.message, context.services.clock()) > MAX_BUTTON_AGE:
            refusal = N_("common.button_too_old")
        else:
            return
        await query.answer(context.t.t(refusal), show_alert=True)
        raise ApplicationHandlerStop


async def save_conversations(update: Update, context: BotContext) -> None:
    """Write conversation state after every update, not once a minute: a crash loses nothing."""
    # PTB marks the person's user_data for writing only after the last handler group has run,
    # so without this the flush below would save it one update late (or, for someone's first
    # update since start-up, not at all): an officer's typed text lost to a crash.
    if update.effective_user is not None:
        context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    await context.application.update_persistence()


PRIVATE = filters.ChatType.PRIVATE


def identify_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [TypeHandler(Update, identify)]


def guard_handlers(codec: Codec) -> list[BaseHandler[Update, BotContext, None]]:
    return [CallbackQueryHandler(ButtonGuard(codec))]


def feature(start_screens: Mapping[Role, StartScreen]) -> Feature:
    """The commands everyone has; /start shows the other features' ``start_screens``."""
    return Feature(
        name="common",
        buttons=(Language,),
        handlers=[
            CommandHandler("start", Start(start_screens), filters=PRIVATE),
            CommandHandler("help", on_message(help_command), filters=PRIVATE),
            CommandHandler("language", on_message(language_command), filters=PRIVATE),
            on_press(Language, language_chosen),
        ],
    )


def fallback_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("cancel", on_message(cancel), filters=PRIVATE),
        MessageHandler(filters.COMMAND & PRIVATE, on_message(unknown_command)),
        MessageHandler(
            PRIVATE & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_message(not_understood)
        ),
        CallbackQueryHandler(stale_button),
    ]


def persist_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    return [TypeHandler(Update, save_conversations)]
