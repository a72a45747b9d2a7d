"""``N_`` marks a catalog message id that is translated later, where the reader's language is known.

It lives apart from ``bot.i18n`` so that plain modules (the workflow rules) can mark ids without
importing Babel. The catalog test extracts every ``N_("...")`` and ``_("...")`` from the code.
"""


def N_(msg_id: str) -> str:
    return msg_id
