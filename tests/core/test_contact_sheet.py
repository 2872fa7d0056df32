"""The contact sheet of a set of assets: one row per reference, pictures fitted into cells."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from drc_desktop.core.contact_sheet import CELL, GAP, LABEL_WIDTH, contact_sheet


def test_one_row_per_reference_with_an_empty_row_kept():
    red = Image.new("RGB", (64, 64), (255, 0, 0))
    sheet = contact_sheet([[red, red, red], [], [red]])
    assert sheet.size == (LABEL_WIDTH + 3 * (CELL + GAP) + GAP, 3 * (CELL + GAP) + GAP)
    pixels = np.asarray(sheet)
    middle = CELL // 2
    first_cell_x = LABEL_WIDTH + GAP + middle
    assert tuple(pixels[GAP + middle, first_cell_x]) == (255, 0, 0)
    second_row_y = GAP + (CELL + GAP) + middle
    assert tuple(pixels[second_row_y, first_cell_x]) == (255, 255, 255)  # nothing there


def test_small_images_are_enlarged_without_blurring():
    checker = Image.new("RGB", (2, 2), (0, 0, 0))
    checker.putpixel((1, 0), (255, 255, 255))
    checker.putpixel((0, 1), (255, 255, 255))
    pixels = np.asarray(contact_sheet([[checker]]))
    cell = pixels[GAP : GAP + CELL, LABEL_WIDTH + GAP : LABEL_WIDTH + GAP + CELL]
    assert set(np.unique(cell)) == {0, 255}  # nearest neighbour: no grey in between


def test_a_sheet_needs_a_row():
    with pytest.raises(ValueError):
        contact_sheet([])
