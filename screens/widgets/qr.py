"""A QR code drawn with half-block characters, dark on light whatever the theme.

Key tokens fit QR version 4 at error correction M (see `kiosk.keys`): 33 modules plus a
quiet zone of 4 on each side make 41 × 41 modules, drawn two to a cell as 41 × 21 cells.
"""

from __future__ import annotations

import struct
import zlib

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

QR_VERSION = 4
QUIET_ZONE = 4  # modules; the QR specification asks for four
DARK = "#000000"
LIGHT = "#ffffff"
# Fixed colours, not theme variables: a phone or door reader needs the contrast of paper.
_PAPER = Style(color=DARK, bgcolor=LIGHT)
# (top module dark, bottom module dark) -> the cell that shows both
_HALF_BLOCKS = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}

Matrix = list[list[bool]]


def qr_matrix(data: str) -> Matrix:
    """The modules of `data`, quiet zone included; True is dark."""
    import qrcode  # deferred: only the key screen needs it, and start-up time counts

    code = qrcode.QRCode(
        version=QR_VERSION, error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE
    )
    code.add_data(data)
    code.make(fit=False)  # a token too long for version 4 is a bug: fail, do not grow
    return [list(row) for row in code.get_matrix()]


def half_block_lines(matrix: Matrix) -> list[str]:
    """Two rows of modules per line of text; an odd last row pairs with light."""
    width = len(matrix)
    light_row = [False] * width
    lines = []
    for top in range(0, len(matrix), 2):
        bottom_row = matrix[top + 1] if top + 1 < len(matrix) else light_row
        lines.append(
            "".join(_HALF_BLOCKS[pair] for pair in zip(matrix[top], bottom_row, strict=True))
        )
    return lines


def png_picture(matrix: Matrix, module_pixels: int = 8) -> bytes:
    """The code as a PNG picture, black on white, `module_pixels` square a module, for the
    guest's own device. Written here: qrcode's PNG writer needs pypng, which the kiosk does
    not install, and its Pillow writer needs Pillow."""
    scanlines = []
    for row in matrix:
        pixels = bytes(0 if dark else 255 for dark in row for _ in range(module_pixels))
        scanlines += [b"\x00" + pixels] * module_pixels  # filter type 0: the bytes as they are
    side = len(matrix) * module_pixels
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(b"".join(scanlines))),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    checksum = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


class QRCode(Widget):
    """Shows one QR code (its `qr_matrix`, made once); `forget()` takes it off the screen and
    out of memory. Its lines are made once too, as ready-drawn strips."""

    DEFAULT_CSS = """
    QRCode {
        width: 41;
        height: 21;
    }
    """

    def __init__(
        self, matrix: Matrix, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.matrix = matrix
        self._lines = [Strip([Segment(line, _PAPER)]) for line in half_block_lines(matrix)]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._lines):
            return Strip.blank(width)
        line = self._lines[y]
        return line if line.cell_length == width else line.crop_extend(0, width, None)

    def forget(self) -> None:
        self.matrix = []
        self._lines = []
        self.refresh()
