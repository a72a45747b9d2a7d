"""Try the whole service in a browser, without a Telegram account or a bot token.

``python -m bot sandbox [--port 8080] [--demo]`` runs the fake Bot API, the real bot against
it (with a throw-away data directory) and a page on 127.0.0.1 that plays three people: a
foundation member, an officer and an admin. See ``server.Sandbox`` and ``web``.
"""
