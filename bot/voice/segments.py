"""Where a recording can be cut in two at a pause, so both halves are recognised in parallel."""

from __future__ import annotations

import statistics
import sys
from array import array

from bot.voice.codec import SAMPLE_RATE

FRAME = SAMPLE_RATE // 100  # 10 ms
PAUSE_FRAMES = 25  # a cut needs 250 ms of near-silence, so no word is cut
MIN_SECONDS = 3.0  # shorter recordings are not worth splitting
QUIET = 0.12  # a pause is quieter than this share of the typical speech loudness


def frame_levels(pcm: bytes) -> list[float]:
    """Mean absolute amplitude of each 10 ms frame of 16-bit mono PCM."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if sys.byteorder != "little":
        samples.byteswap()
    return [
        sum(map(abs, samples[i : i + FRAME])) / FRAME
        for i in range(0, len(samples) - FRAME + 1, FRAME)
    ]


def split_point(pcm: bytes) -> int | None:
    """A byte offset in the middle of a pause near the recording's middle, or None."""
    levels = frame_levels(pcm)
    if len(levels) < MIN_SECONDS * 100:
        return None
    loud = sorted(levels)[len(levels) // 2 :]  # the louder half: speech
    speech = statistics.median(loud) if loud else 0.0
    if speech <= 0:
        return None
    threshold = speech * QUIET
    middle = len(levels) / 2
    best: tuple[float, int] | None = None
    run = 0
    for i, level in enumerate([*levels, float("inf")]):
        if level < threshold:
            run += 1
            continue
        centre = i - (run + 1) // 2
        if run >= PAUSE_FRAMES and 0.2 * len(levels) <= centre <= 0.8 * len(levels):
            distance = abs(centre - middle)
            if best is None or distance < best[0]:
                best = (distance, centre)
        run = 0
    if best is None:
        return None
    return best[1] * FRAME * 2
