"""Telegram bot for the DSDW certificate for foreign volunteers."""

import os

# PTB 22 announces that durations such as RetryAfter.retry_after become timedelta; opt in now
# so that our code is written against the coming behaviour and no deprecation warning fires.
os.environ.setdefault("PTB_TIMEDELTA", "1")
