"""A notebook preview's inline images as links to image files.

mkdocs-jupyter renders each image a notebook output holds as ``<img src="data:image/png;base64,...">``:
the preview page carries every figure in its HTML (hundreds of KB on a lesson with figures), which the
browser downloads and parses before it shows the page. The downloadable notebook keeps its images (it
must work on its own); the preview's HTML links a file with the same bytes instead, says the image's
size in pixels (``width``/``height``: the space is held, nothing moves when it arrives), and loads it
as it comes near the screen (``loading="lazy" decoding="async"``).

Where each image's bytes go is the caller's choice (``place``): the MkDocs plugin links the figure
file the lesson page shows already (the same bytes, with the lesson's alt text: the figure's title, in
place of nbconvert's "No description has been provided for this image"), or adds a file named by the
bytes' digest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import html
import re
import struct
from typing import Callable, NamedTuple

# One <img> whose src is a base64 data URI (nbconvert writes src last; any order is read).
_INLINE = re.compile(r'<img\b(?P<before>[^>]*?)\ssrc="data:(?P<mime>image/[\w.+-]+);base64,(?P<data>[A-Za-z0-9+/=\s]*)"'
                     r'(?P<after>[^>]*)>', re.IGNORECASE)
_ATTRIBUTE = re.compile(r'\s(?P<name>loading|decoding|width|height|alt)\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]+)', re.IGNORECASE)


class Placed(NamedTuple):
    """Where an image's bytes are (a URL relative to the page), and its alt text (None: the one it has)."""

    url: str
    alt: str | None = None


EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) in pixels of a PNG, GIF or JPEG; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":  # JPEG: the first start-of-frame segment
        at = 2
        while at + 9 <= len(data) and data[at] == 0xFF:
            marker, length = data[at + 1], struct.unpack(">H", data[at + 2:at + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[at + 5:at + 9])
                return width, height
            at += 2 + length
    return None


def digest_name(data: bytes, mime: str) -> str:
    """A file name for these bytes: their digest and the type's extension (``3f2a....png``)."""
    return f"{hashlib.sha256(data).hexdigest()[:32]}.{EXTENSIONS.get(mime.lower(), 'bin')}"


def link_images(page_html: str, place: Callable[[bytes, str], Placed | None]) -> str:
    """``page_html`` with each base64 inline image replaced by a link: ``place(its bytes, its MIME type)``
    says where a file with those bytes is (None keeps that image inline). The tag keeps its other
    attributes (class; alt unless ``place`` gives one) and gets its pixel size, ``loading="lazy"`` and
    ``decoding="async"``."""
    def link(match: re.Match) -> str:
        try:
            data = base64.b64decode(re.sub(r"\s+", "", match["data"]), validate=True)
        except (binascii.Error, ValueError):
            return match[0]
        placed = place(data, match["mime"])
        if placed is None:
            return match[0]
        attributes = (match["before"] + match["after"]).rstrip().rstrip("/").rstrip()
        alt = re.search(r'\salt\s*=\s*("[^"]*"|\'[^\']*\')', attributes)
        alt = f' alt="{html.escape(placed.alt)}"' if placed.alt is not None else (f" alt={alt[1]}" if alt else "")
        kept = _ATTRIBUTE.sub("", attributes)
        size = image_size(data)
        sized = f' width="{size[0]}" height="{size[1]}"' if size else ""
        return f'<img{alt}{kept} src="{html.escape(placed.url)}"{sized} loading="lazy" decoding="async">'

    return _INLINE.sub(link, page_html)
