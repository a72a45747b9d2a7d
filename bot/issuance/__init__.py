"""Issuance (officer manual steps 17-20): building blocks without Telegram.

- ``printpack``: the PDF the officer prints for the governor (cover, memo, certificate draft,
  attachments), Thai set with Sarabun, HarfBuzz shaping and word-aware line breaks;
- ``ics``: the pickup appointment as an ``.ics`` calendar file;
- ``slots``: which pickup dates and times may be offered, and why one is refused;
- ``config``: ``office.toml`` (offices, signers, wording, office hours), validated.

Handlers call these; nothing here imports telegram or touches the database.
"""
