"""Specification of the colour maths: sRGB -> CIELAB and CIEDE2000 (Sharma et al. 2005)."""

from __future__ import annotations

import numpy as np
import pytest

from drc_desktop.core.color import ciede2000, delta_e, srgb_to_lab

# Pairs and expected differences from Sharma, Wu and Dalal's supplementary test data.
SHARMA_PAIRS = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA_PAIRS)
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert ciede2000(np.array(lab1), np.array(lab2)) == pytest.approx(expected, abs=1e-4)


def test_ciede2000_is_symmetric_and_zero_for_equal_colours():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 255, (100, 3)), rng.uniform(0, 255, (100, 3))
    assert np.allclose(delta_e(a, b), delta_e(b, a))
    assert np.allclose(delta_e(a, a), 0.0)


def test_srgb_white_and_black_are_the_lightness_ends():
    assert srgb_to_lab(np.array([255, 255, 255])) == pytest.approx([100.0, 0.0, 0.0], abs=0.01)
    assert srgb_to_lab(np.array([0, 0, 0])) == pytest.approx([0.0, 0.0, 0.0], abs=0.01)
