"""The one source of "now" for the running bot, injected rather than read from a global.

``open_services`` (and ``running``, and the test harness) take a ``Clock`` and hand that one
object to every service, the outbox, the reminder scan and the handlers
(``context.services.clock``). Production passes ``system_clock``; tests pass a
``bot.testing.clock.ManualClock`` and move it by hand, so no test patches a module global.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from storage.clock import utcnow

Clock = Callable[[], datetime]
"""Returns the current moment as an aware UTC datetime."""

system_clock: Clock = utcnow
