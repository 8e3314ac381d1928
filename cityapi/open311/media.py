"""Report photos: checked by decoding them (not by their name), size-limited, metadata stripped.

A photo is decoded with Pillow; only JPEG, PNG and WebP are taken, and a decompression bomb (more
than 40 million pixels) is refused. What is stored is a new encoding of the pixels alone, turned
upright by its EXIF orientation: no EXIF (so no location and no camera serial), no XMP, no comments.
Files are written under CITYAPI_MEDIA_DIR with a random name, atomically (temporary file, fsync,
rename), before the database row that points at them is committed.
"""

from __future__ import annotations

import io
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
NAME_PATTERN = r"[0-9a-f]{32}\.(jpg|png|webp)"


class PhotoRefused(Exception):
    """Not a photo we take: the reason, for the person who sent it."""


@dataclass(frozen=True, slots=True)
class Photo:
    """A checked photo, re-encoded without its metadata."""

    data: bytes
    content_type: str
    extension: str


def clean_photo(raw: bytes, max_bytes: int) -> Photo:
    """Decode, check and re-encode a photo; PhotoRefused says why it is not taken."""
    if len(raw) > max_bytes:
        raise PhotoRefused(f"The photo is larger than {max_bytes // (1024 * 1024)} MB.")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            kind = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise PhotoRefused("The file is not a photo (JPEG, PNG or WebP).") from exc
    except Image.DecompressionBombError as exc:
        raise PhotoRefused("The photo has too many pixels.") from exc
    if kind not in FORMATS:
        raise PhotoRefused("Only JPEG, PNG and WebP photos are taken.")
    if width * height > MAX_PIXELS:
        raise PhotoRefused("The photo has too many pixels.")
    try:
        with Image.open(io.BytesIO(raw)) as image:
            upright = ImageOps.exif_transpose(image)
            pixels = upright.convert("RGB") if kind == "JPEG" else upright.copy()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoRefused("The photo could not be read.") from exc
    out = io.BytesIO()
    # a fresh image: Pillow writes no EXIF, XMP or comments unless given them
    if kind == "JPEG":
        pixels.save(out, "JPEG", quality=88, optimize=True)
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=True)
    else:
        pixels.save(out, "WEBP", quality=85)
    content_type, extension = FORMATS[kind]
    return Photo(out.getvalue(), content_type, extension)


def store_photo(directory: Path, photo: Photo) -> str:
    """Write the photo under a new random name (atomically); the name."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{photo.extension}"
    target = directory / name
    temporary = directory / f".{name}.part"
    with temporary.open("wb") as handle:
        handle.write(photo.data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return name
