"""A contact sheet: one row of pictures per reference of a set of assets (issue 12 §2), to see
a whole set at a glance. Pixels only: the sheet names no file, profile or setting."""

from __future__ import annotations

from PIL import Image, ImageDraw

CELL = 128
"""Side of one picture on the sheet, in pixels."""
GAP = 8
LABEL_WIDTH = 32  # the row's number, left of its pictures
BACKGROUND = (255, 255, 255)
INK = (40, 40, 40)


def contact_sheet(rows: list[list[Image.Image]], cell: int = CELL) -> Image.Image:
    """``rows[i]``: the images of reference ``i``, drawn left to right after its number
    (``i + 1``), each fitted into a ``cell`` square: small images (the built-in model's
    stickers) enlarged by nearest neighbour so their pixels stay crisp, large ones reduced
    smoothly. An empty row keeps its place (a reference that gave nothing).

    Raises:
        ValueError: no rows.
    """
    if not rows:
        raise ValueError("a contact sheet needs at least one row")
    columns = max(1, max(len(row) for row in rows))
    width = LABEL_WIDTH + columns * (cell + GAP) + GAP
    height = len(rows) * (cell + GAP) + GAP
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for r, images in enumerate(rows):
        y = GAP + r * (cell + GAP)
        draw.text((GAP, y + cell // 2 - 6), str(r + 1), fill=INK)
        for c, image in enumerate(images):
            fitted = _fitted(image.convert("RGB"), cell)
            x = LABEL_WIDTH + GAP + c * (cell + GAP)
            sheet.paste(fitted, (x + (cell - fitted.width) // 2, y + (cell - fitted.height) // 2))
    return sheet


def _fitted(image: Image.Image, cell: int) -> Image.Image:
    scale = cell / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    enlarge = scale >= 1
    resample = Image.Resampling.NEAREST if enlarge else Image.Resampling.LANCZOS
    return image.resize(size, resample)
