"""``python -m bot sandbox [--port 8080] [--demo]``: run until Ctrl+C, then clean up."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.sandbox.server import Sandbox


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot sandbox",
        description=(
            "Run the real bot against a local fake Telegram and open it in a browser: "
            "a foundation member, an officer and an admin side by side. No token needed; "
            "everything stays on 127.0.0.1 and is deleted on exit."
        ),
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port of the page (default 8080; 0 picks one)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="seed foundations, officers and cases at every stage so the queues are not empty",
    )
    return parser.parse_args(list(argv))


async def serve(port: int, demo: bool, stop: asyncio.Event | None = None) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with Sandbox(port=port, demo=demo) as sandbox:
        # Flushed at once: scripts (and the tests) wait for this line to know it is up.
        print(f"Sandbox running at {sandbox.url}  (Ctrl+C stops it)", flush=True)
        print(f"Throw-away data in {sandbox.data_dir}", flush=True)
        await stop.wait()
        print("Stopping the sandbox...", flush=True)


def main(argv: Sequence[str]) -> int:
    args = parse(argv)
    # The outbox job runs twice a second here; its scheduler would log every run.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serve(args.port, args.demo))
    except OSError as error:
        # Almost always the port: say so in one line instead of a traceback.
        print(f"sandbox: cannot start on 127.0.0.1:{args.port}: {error}", file=sys.stderr)
        return 1
    return 0
