"""``N_`` marks a catalog message id that is translated later, where the reader's language is known.

It lives apart from ``bot.i18n`` so that plain modules (the workflow rules) can mark ids without
importing Babel. The catalog test extracts every ``N_("...")`` and ``_("...")`` from the code.

``N_`` returns a ``MsgId``: still a ``str`` (it compares, hashes and prints as the id), but a
translator that finds one among a message's parameters translates it first, so
``t("error.wrong_status", status=STATUS_LABEL[status])`` shows the label in the reader's language.
"""

from __future__ import annotations


class MsgId(str):
    """A catalog message id, to be translated when it is shown."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"MsgId({str.__repr__(self)})"


def N_(msg_id: str) -> MsgId:
    return MsgId(msg_id)
