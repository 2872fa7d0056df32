"""Specification of the procedural sticker world: its JSON contract and its renderer."""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError
from drc_desktop.core.stickers import (
    ALL_SEMANTICS,
    STICKER_SIZE,
    StickerSemantics,
    StickerStyle,
    render,
)

STYLE = StickerStyle(
    body=(230, 120, 40),
    accent=(40, 90, 220),
    outline=(20, 20, 30),
    background=(245, 250, 235),
    shape="round",
    outline_width="4",
    fill="solid",
)
SEMANTICS = StickerSemantics(emotion="happy", action="none")


def _pixels(style: StickerStyle = STYLE, semantics: StickerSemantics = SEMANTICS, seed: int = 0):
    return np.asarray(render(style, semantics, seed=seed))


def _with(style: StickerStyle, **changes: object) -> StickerStyle:
    return StickerStyle(**{**style.__dict__, **changes})


def _count(pixels: np.ndarray, color: tuple[int, int, int]) -> int:
    return int((pixels == color).all(axis=-1).sum())


# ----------------------------------------------------------------------------- schema


def test_schema_has_exactly_the_contract_shape() -> None:
    schema = stickers.schema()
    assert set(schema) == {"style", "semantics"}
    for part in schema.values():
        for spec in part.values():
            if spec["type"] == "color":
                assert spec == {"type": "color"}
            else:
                assert set(spec) == {"type", "values"}
                assert spec["type"] == "choice"
                assert spec["values"] and all(isinstance(v, str) for v in spec["values"])
                assert len(set(spec["values"])) == len(spec["values"])
    assert json.loads(json.dumps(schema)) == schema


def test_schema_fields_are_the_dataclass_fields() -> None:
    schema = stickers.schema()
    assert list(schema["style"]) == list(stickers.STYLE_FIELDS)
    assert set(schema["semantics"]) == {"emotion", "action"}
    assert all(spec["type"] == "choice" for spec in schema["semantics"].values())


def test_schema_offers_enough_variety() -> None:
    style, semantics = stickers.schema()["style"], stickers.schema()["semantics"]
    assert sum(spec["type"] == "color" for spec in style.values()) >= 4
    assert len(style["shape"]["values"]) >= 4
    assert len(style["outline_width"]["values"]) >= 3
    assert len(style["fill"]["values"]) >= 3
    assert len(semantics["emotion"]["values"]) >= 6
    assert len(semantics["action"]["values"]) >= 3


# ----------------------------------------------------------------------------- parsing


def test_json_round_trip_and_either_case_of_hex() -> None:
    assert StickerStyle.from_json(STYLE.to_json()) == STYLE
    assert StickerSemantics.from_json(SEMANTICS.to_json()) == SEMANTICS
    upper = {**STYLE.to_json(), "body": "#E6782A"}
    assert StickerStyle.from_json(upper).body == (0xE6, 0x78, 0x2A)


@pytest.mark.parametrize("bad", ["#-1-1-1", "# a b c", "#12345", "123456", "#12345g", 0xFFFFFF])
def test_malformed_colours_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(InputError, match=r"^theme\.accent: expected a colour"):
        StickerStyle.from_json({**STYLE.to_json(), "accent": bad}, source="theme")


def test_missing_unknown_and_wrong_choice_fields_are_named() -> None:
    data = STYLE.to_json()
    with pytest.raises(InputError, match=r"^s: missing field 'fill'$"):
        StickerStyle.from_json({k: v for k, v in data.items() if k != "fill"}, source="s")
    with pytest.raises(InputError, match=r"^s: unknown field 'glitter'$"):
        StickerStyle.from_json({**data, "glitter": "yes"}, source="s")
    with pytest.raises(InputError, match=r"^s\.shape: expected one of round, "):
        StickerStyle.from_json({**data, "shape": "dragon"}, source="s")
    with pytest.raises(InputError, match=r"^m\.emotion: expected one of happy, "):
        StickerSemantics.from_json({"emotion": "bored", "action": "none"}, source="m")
    with pytest.raises(InputError, match=r"^m: expected a JSON object"):
        StickerSemantics.from_json(["happy", "none"], source="m")


def test_sampled_styles_are_valid_styles() -> None:
    rng = random.Random(7)
    for _ in range(20):
        style = stickers.sample_style(rng)
        assert StickerStyle.from_json(style.to_json()) == style


# ----------------------------------------------------------------------------- rendering


def test_render_is_a_small_rgb_square() -> None:
    image = render(STYLE, SEMANTICS, seed=3)
    assert image.mode == "RGB"
    assert image.size == (STICKER_SIZE, STICKER_SIZE) == (64, 64)


def test_same_inputs_and_seed_give_identical_pixels() -> None:
    first = render(STYLE, SEMANTICS, seed=11).tobytes()
    assert render(STYLE, SEMANTICS, seed=11).tobytes() == first


def test_different_seeds_give_different_pixels() -> None:
    renders = [_pixels(seed=seed).tobytes() for seed in range(6)]
    assert len(set(renders)) == len(renders)


def test_every_style_renders_every_semantics() -> None:
    combos = itertools.product(stickers.SHAPES, stickers.OUTLINE_WIDTHS, stickers.FILLS)
    for shape, width, fill in combos:
        style = _with(STYLE, shape=shape, outline_width=width, fill=fill)
        for semantics in ALL_SEMANTICS:
            pixels = _pixels(style, semantics, seed=semantics.index)
            assert pixels.shape == (STICKER_SIZE, STICKER_SIZE, 3)
            drawn = STICKER_SIZE**2 - _count(pixels, style.background)
            assert drawn > 0.2 * STICKER_SIZE**2, (style, semantics)
            assert _count(pixels, style.outline) > 0, (style, semantics)


def test_background_colour_fills_the_corners() -> None:
    pixels = _pixels()
    for y, x in [(0, 0), (0, -1), (-1, 0), (-1, -1)]:
        assert tuple(pixels[y, x]) == STYLE.background


def test_palette_colours_are_the_colours_drawn() -> None:
    recoloured = _with(STYLE, body=(10, 200, 120), background=(250, 240, 255))
    before, after = _pixels(), _pixels(recoloured)
    body_area = _count(before, STYLE.body)
    assert body_area > 300
    assert _count(after, recoloured.body) == body_area  # same shape, new colour
    assert _count(after, STYLE.body) == 0
    assert _count(after, recoloured.background) == _count(before, STYLE.background)


def test_discrete_style_choices_change_the_picture() -> None:
    for field, values in stickers.STYLE_CHOICES.items():
        renders = {_pixels(_with(STYLE, **{field: value})).tobytes() for value in values}
        assert len(renders) == len(values), field


def test_fill_pattern_uses_the_accent() -> None:
    solid = _pixels(_with(STYLE, fill="solid"))
    striped = _pixels(_with(STYLE, fill="stripes"))
    assert _count(striped, STYLE.body) < _count(solid, STYLE.body) * 0.8


def test_every_semantics_gives_a_different_picture() -> None:
    renders = {_pixels(STYLE, semantics).tobytes() for semantics in ALL_SEMANTICS}
    assert len(renders) == len(ALL_SEMANTICS)


def test_semantics_do_not_change_the_palette() -> None:
    palette = {STYLE.body, STYLE.outline, STYLE.background}
    for semantics in ALL_SEMANTICS:
        pixels = _pixels(STYLE, semantics)
        assert all(_count(pixels, colour) > 0 for colour in palette), semantics


def test_held_heart_is_drawn_in_the_accent_colour() -> None:
    plain = _pixels(STYLE, StickerSemantics("happy", "none"))
    heart = _pixels(STYLE, StickerSemantics("happy", "heart"))
    assert _count(heart, STYLE.accent) > _count(plain, STYLE.accent) + 50


def test_semantics_index_covers_every_class_once() -> None:
    indices = sorted(semantics.index for semantics in ALL_SEMANTICS)
    assert indices == list(range(len(stickers.EMOTIONS) * len(stickers.ACTIONS)))


# ----------------------------------------------------------------------------- v2: the whole space


def test_uniform_palettes_cover_the_whole_colour_cube():
    rng = random.Random(0)
    styles = [stickers.sample_style(rng, palette_source="uniform") for _ in range(400)]
    for name in stickers.COLOR_FIELDS:
        values = [channel for s in styles for channel in getattr(s, name)]
        assert min(values) < 10 and max(values) > 245, name
    dark = [s for s in styles if max(s.background) < 80]
    assert dark, "uniform palettes include dark backgrounds"


def test_mixed_palettes_draw_both_sources():
    rng = random.Random(1)
    styles = [stickers.sample_style(rng, palette_source="mixed") for _ in range(200)]
    dark = sum(max(s.background) < 0.6 * 255 for s in styles)
    assert 10 < dark < 120


def test_an_unknown_palette_source_is_rejected():
    with pytest.raises(ValueError, match="palette_source"):
        stickers.sample_style(random.Random(0), palette_source="pastel")


def _style(**colours):
    base = {"body": (250, 200, 80), "accent": (40, 120, 240), "outline": (30, 20, 20),
            "background": (245, 245, 240)}  # fmt: skip
    return StickerStyle(**{**base, **colours}, shape="round", outline_width="4", fill="solid")


def test_contrast_is_the_closest_pair_of_parts():
    assert _style().contrast > stickers.CONTRAST_FLOOR
    assert _style(accent=(250, 200, 80)).contrast == pytest.approx(0.0)
    assert _style(background=(30, 20, 20)).contrast == pytest.approx(0.0)


def test_a_face_is_drawn_in_the_outline_colour_when_it_shows_on_the_body():
    style = _style()
    assert style.face_ink == style.outline


@pytest.mark.parametrize("body", [(30, 20, 20), (250, 250, 250), (128, 128, 128)])
def test_a_face_whose_outline_equals_the_body_stays_visible(body):
    style = _style(body=body, outline=body)
    ink = style.face_ink
    assert ink in ((0, 0, 0), (255, 255, 255))
    pixels = np.asarray(render(style, StickerSemantics("happy", "none")))
    centre = pixels[24:44, 20:44].reshape(-1, 3)
    # The eyes and mouth are there: some face pixels differ clearly from the body.
    assert (np.abs(centre.astype(int) - np.array(body)).sum(axis=1) > 90).sum() > 20
