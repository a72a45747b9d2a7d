"""Telegram bot for the DSDW certificate for foreign volunteers."""
