"""A notebook preview's inline images become links to files (snippet_runner/preview_images.py)."""

from __future__ import annotations

import base64
import io
import struct
import zlib

from snippet_runner.preview_images import Placed, digest_name, image_size, link_images


def png(width: int, height: int, shade: int = 0) -> bytes:
    """A real, tiny PNG of this size (grey rows of one shade)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def inline(data: bytes, mime: str = "image/png") -> str:
    return f'<img alt="No description has been provided for this image" class="" src="data:{mime};base64,{base64.b64encode(data).decode()}"/>'


def test_each_inline_image_becomes_a_sized_lazy_link_to_its_bytes():
    first, second = png(30, 20), png(7, 300, shade=9)
    page = f"<div>{inline(first)}</div><p>text</p><div>{inline(second)}</div><img src=\"kept.png\" alt=\"x\">"
    placed = []

    def place(data, mime):
        placed.append((data, mime))
        return Placed(f"figures/{len(placed)}.png")

    out = link_images(page, place)
    assert placed == [(first, "image/png"), (second, "image/png")]
    assert "data:" not in out
    assert ('<div><img alt="No description has been provided for this image" class="" src="figures/1.png" '
            'width="30" height="20" loading="lazy" decoding="async"></div>') in out
    assert 'src="figures/2.png" width="7" height="300"' in out
    assert out.endswith('<img src="kept.png" alt="x">')  # a linked image is left as it is


def test_an_image_the_caller_does_not_place_stays_inline():
    page = inline(png(3, 3))
    assert link_images(page, lambda data, mime: None) == page


def test_attributes_in_another_order_and_a_size_already_there():
    data = png(12, 8)
    page = (f'<img src="data:image/png;base64,{base64.b64encode(data).decode()}" width="99" loading="eager" '
            'alt="a plot">')
    out = link_images(page, lambda d, m: Placed("a&b.png"))
    assert out == '<img alt="a plot" src="a&amp;b.png" width="12" height="8" loading="lazy" decoding="async">'
    titled = link_images(page, lambda d, m: Placed("p.png", 'Loss "curve" <1>'))
    assert titled.startswith('<img alt="Loss &quot;curve&quot; &lt;1&gt;" src="p.png" width="12"')


def test_base64_broken_over_lines_is_read_and_a_broken_one_is_left_alone():
    data = png(5, 4)
    encoded = base64.encodebytes(data).decode()  # newlines every 76 characters
    assert "\n" in encoded
    seen = []
    out = link_images(f'<img src="data:image/png;base64,{encoded}">', lambda d, m: seen.append(d) or Placed("x.png"))
    assert seen == [data] and 'width="5" height="4"' in out
    broken = '<img src="data:image/png;base64,abc">'
    assert link_images(broken, lambda d, m: Placed("x.png")) == broken


def test_image_sizes_of_png_gif_and_jpeg():
    assert image_size(png(640, 480)) == (640, 480)
    assert image_size(b"GIF89a" + struct.pack("<HH", 33, 44) + b"\x00" * 10) == (33, 44)
    jpeg = (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
            + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 120, 250) + b"\x03" + b"\x00" * 9)
    assert image_size(jpeg) == (250, 120)
    assert image_size(b"not an image") is None
    # matplotlib's own PNG
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure = plt.figure(figsize=(3, 2), dpi=50)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    assert image_size(buffer.getvalue()) == (150, 100)


def test_file_names_follow_the_bytes():
    a, b = png(2, 2), png(2, 2, shade=1)
    assert digest_name(a, "image/png") == digest_name(a, "image/png") != digest_name(b, "image/png")
    assert digest_name(a, "image/png").endswith(".png") and digest_name(a, "image/jpeg").endswith(".jpg")
