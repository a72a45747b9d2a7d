"""The officer side: joining by invite, dashboard and queues, the case screen, review actions,
and the officer accounts admins manage. Each module exposes ``handlers()`` for ``bot.app``."""
