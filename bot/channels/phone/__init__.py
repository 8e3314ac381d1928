"""The phone line: citizens call the assistant over SIP and talk to it (voip-utils, Vosk, espeak-ng)."""

from bot.channels.phone.adapter import PhoneChannel, build

__all__ = ["PhoneChannel", "build"]
