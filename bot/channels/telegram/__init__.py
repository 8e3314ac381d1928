"""The Telegram channel (python-telegram-bot): `build(env, handler, web_app)` is its entry point."""

from bot.channels.telegram.adapter import TelegramChannel, build

__all__ = ["TelegramChannel", "build"]
