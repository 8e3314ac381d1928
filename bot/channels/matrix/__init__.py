"""The Matrix channel (matrix-nio, end-to-end encryption): `build(env, handler, web_app)`."""

from bot.channels.matrix.adapter import MatrixChannel, build

__all__ = ["MatrixChannel", "build"]
