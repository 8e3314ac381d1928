"""The phone line: citizens call the assistant over SIP and talk to it (voip-utils, Vosk)."""

from bot.channels.phone.adapter import PhoneChannel, build

__all__ = ["PhoneChannel", "build"]
