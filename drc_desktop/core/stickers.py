"""The sticker world: a procedural renderer where style and semantics are known exactly.

A sticker is drawn from two independent parts (DESIGN.md §3, "built-in backend"):

- a **style** (a user's theme): four palette colours sampled continuously, a character shape,
  an outline width and a fill pattern;
- a **semantics** (the reference's intention): an emotion and an action/prop.

Any style renders any semantics, and the seed moves only a small position/scale jitter, so the
ground truth of every image is known. Stickers are drawn at twice the output size and reduced
with a box filter, which gives clean anti-aliased edges; the output is ``STICKER_SIZE`` square
RGB. This module needs only Pillow and numpy (no torch), so the CLI's ``drc stickers`` commands
answer quickly.
"""

from __future__ import annotations

import colorsys
import math
import random
import string
from dataclasses import asdict, dataclass, fields

from PIL import Image, ImageDraw

from drc_desktop.core.color import delta_e
from drc_desktop.core.errors import InputError

STICKER_SIZE = 64
_SCALE = 2  # supersampling factor
_CANVAS = STICKER_SIZE * _SCALE
# Facial features are drawn large so that emotions stay legible when the model works at 32x32.
FACE_SCALE = 1.15

COLOR_FIELDS = ("body", "accent", "outline", "background")
SHAPES = ("round", "square", "cat", "bunny")
OUTLINE_WIDTHS = ("2", "4", "6")  # pixels at STICKER_SIZE
FILLS = ("solid", "stripes", "dots", "gradient")
EMOTIONS = ("happy", "sad", "angry", "surprised", "love", "sleepy")
ACTIONS = ("none", "waving", "heart")

STYLE_CHOICES: dict[str, tuple[str, ...]] = {
    "shape": SHAPES,
    "outline_width": OUTLINE_WIDTHS,
    "fill": FILLS,
}
SEMANTIC_CHOICES: dict[str, tuple[str, ...]] = {"emotion": EMOTIONS, "action": ACTIONS}

RGB = tuple[int, int, int]

# Palette sources (issue #10 §1): the sticker-like prior of ``sample_palette`` and the whole
# colour space the schema accepts (each field uniform in sRGB). Training pools, judges and the
# evaluation mix them, ``UNIFORM_PALETTE_SHARE`` of the styles drawn uniformly.
PALETTE_SOURCES = ("prior", "uniform")
UNIFORM_PALETTE_SHARE = 0.5

# The contrast floor (CIEDE2000), fixed before training: a palette whose closest pair of
# CONTRAST_PAIRS is nearer than this has a part that is hard to see (an invisible fill, a
# silhouette lost in the background); such styles are reported apart by `drc eval`.
CONTRAST_FLOOR = 12.0
CONTRAST_PAIRS = (
    ("body", "background"),
    ("outline", "body"),
    ("outline", "background"),
    ("accent", "body"),
)


@dataclass(frozen=True)
class StickerStyle:
    """A theme: palette colours as RGB tuples and three discrete style choices."""

    body: RGB
    accent: RGB
    outline: RGB
    background: RGB
    shape: str
    outline_width: str
    fill: str

    def to_json(self) -> dict[str, str]:
        data = asdict(self)
        for name in COLOR_FIELDS:
            data[name] = color_to_hex(data[name])
        return data

    @classmethod
    def from_json(cls, data: object, source: str = "style") -> StickerStyle:
        values = _check_fields(data, (*COLOR_FIELDS, *STYLE_CHOICES), source)
        parsed: dict[str, object] = {}
        for name in COLOR_FIELDS:
            parsed[name] = parse_color(values[name], f"{source}.{name}")
        for name, allowed in STYLE_CHOICES.items():
            parsed[name] = _parse_choice(values[name], allowed, f"{source}.{name}")
        return cls(**parsed)  # type: ignore[arg-type]

    @property
    def combination(self) -> tuple[str, str, str]:
        return (self.shape, self.outline_width, self.fill)

    @property
    def contrast(self) -> float:
        """The smallest CIEDE2000 difference between the fields of ``CONTRAST_PAIRS``."""
        first = [getattr(self, a) for a, _ in CONTRAST_PAIRS]
        second = [getattr(self, b) for _, b in CONTRAST_PAIRS]
        return float(delta_e(first, second).min())

    @property
    def face_ink(self) -> RGB:
        """The colour of the face: the outline colour, unless it is within the contrast floor
        of the body (the face would vanish); then black or white, whichever differs more."""
        if float(delta_e(self.outline, self.body)) >= CONTRAST_FLOOR:
            return self.outline
        black, white = (0, 0, 0), (255, 255, 255)
        distances = delta_e([black, white], [self.body, self.body])
        return black if distances[0] >= distances[1] else white


@dataclass(frozen=True)
class StickerSemantics:
    """What a sticker shows: an emotion and an action/prop."""

    emotion: str
    action: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: object, source: str = "semantics") -> StickerSemantics:
        values = _check_fields(data, tuple(SEMANTIC_CHOICES), source)
        return cls(
            **{
                name: _parse_choice(values[name], allowed, f"{source}.{name}")
                for name, allowed in SEMANTIC_CHOICES.items()
            }
        )

    @property
    def index(self) -> int:
        """A single class index in ``range(len(EMOTIONS) * len(ACTIONS))``."""
        return EMOTIONS.index(self.emotion) * len(ACTIONS) + ACTIONS.index(self.action)


ALL_SEMANTICS = tuple(StickerSemantics(e, a) for e in EMOTIONS for a in ACTIONS)


def schema() -> dict[str, dict[str, dict[str, object]]]:
    """The JSON contract of ``drc stickers schema``."""
    style: dict[str, dict[str, object]] = {name: {"type": "color"} for name in COLOR_FIELDS}
    style.update(
        {name: {"type": "choice", "values": list(vals)} for name, vals in STYLE_CHOICES.items()}
    )
    semantics = {
        name: {"type": "choice", "values": list(vals)} for name, vals in SEMANTIC_CHOICES.items()
    }
    return {"style": style, "semantics": semantics}


# ----------------------------------------------------------------------------- parsing


def color_to_hex(color: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*color)


def parse_color(value: object, field: str) -> RGB:
    """Parse ``'#rrggbb'`` (either case) into an RGB tuple."""
    text = value if isinstance(value, str) else ""
    # Check the digits explicitly: int(..., 16) would also accept signs and spaces ("#-1-1-1").
    if len(text) != 7 or text[0] != "#" or not all(c in string.hexdigits for c in text[1:]):
        raise InputError(f"{field}: expected a colour like '#1a2b3c', got {value!r}")
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


def _parse_choice(value: object, allowed: tuple[str, ...], field: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InputError(f"{field}: expected one of {', '.join(allowed)}; got {value!r}")
    return value


def _check_fields(data: object, expected: tuple[str, ...], source: str) -> dict[str, object]:
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object with fields {', '.join(expected)}")
    unknown = sorted(set(data) - set(expected))
    if unknown:
        raise InputError(f"{source}: unknown field {unknown[0]!r}")
    missing = [name for name in expected if name not in data]
    if missing:
        raise InputError(f"{source}: missing field {missing[0]!r}")
    return data


# ----------------------------------------------------------------------------- sampling


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


def sample_palette(rng: random.Random) -> dict[str, RGB]:
    """Four colours, sampled continuously, that read well together.

    The body is a saturated mid-to-light colour, the accent a contrasting hue, the outline
    dark, the background pale; so every sampled theme looks like a sticker.
    """
    hue = rng.random()
    return {
        "body": _hsv(hue, rng.uniform(0.35, 0.85), rng.uniform(0.7, 1.0)),
        "accent": _hsv(hue + rng.uniform(0.3, 0.7), rng.uniform(0.55, 1.0), rng.uniform(0.75, 1.0)),
        "outline": _hsv(rng.random(), rng.uniform(0.2, 0.8), rng.uniform(0.08, 0.32)),
        "background": _hsv(rng.random(), rng.uniform(0.03, 0.25), rng.uniform(0.88, 1.0)),
    }


def sample_uniform_palette(rng: random.Random) -> dict[str, RGB]:
    """Four colours, each uniform over the whole sRGB cube (anything the schema accepts)."""
    return {
        name: (rng.randrange(256), rng.randrange(256), rng.randrange(256)) for name in COLOR_FIELDS
    }


def sample_style(
    rng: random.Random,
    combinations: tuple[tuple[str, str, str], ...] | None = None,
    palette_source: str = "prior",
) -> StickerStyle:
    """A random theme; ``combinations`` restricts (shape, outline_width, fill).

    ``palette_source``: ``"prior"`` (sticker-like, ``sample_palette``), ``"uniform"`` (the whole
    colour space) or ``"mixed"`` (uniform with probability ``UNIFORM_PALETTE_SHARE``).
    """
    if palette_source == "mixed":
        palette_source = "uniform" if rng.random() < UNIFORM_PALETTE_SHARE else "prior"
    if palette_source not in PALETTE_SOURCES:
        raise ValueError(f"palette_source must be prior, uniform or mixed, got {palette_source!r}")
    palette = sample_uniform_palette(rng) if palette_source == "uniform" else sample_palette(rng)
    if combinations is None:
        combo = (rng.choice(SHAPES), rng.choice(OUTLINE_WIDTHS), rng.choice(FILLS))
    else:
        combo = rng.choice(combinations)
    return StickerStyle(**palette, shape=combo[0], outline_width=combo[1], fill=combo[2])


def sample_semantics(rng: random.Random) -> StickerSemantics:
    return rng.choice(ALL_SEMANTICS)


# ----------------------------------------------------------------------------- drawing


def render(style: StickerStyle, semantics: StickerSemantics, seed: int = 0) -> Image.Image:
    """Render one sticker as a ``STICKER_SIZE`` x ``STICKER_SIZE`` RGB image.

    The seed moves only the jitter (position +-2 px, scale 0.92-1.04); the same inputs give
    identical pixels.
    """
    rng = random.Random(seed)
    scale = rng.uniform(0.92, 1.04)
    dx, dy = rng.uniform(-2, 2) * _SCALE, rng.uniform(-2, 2) * _SCALE
    cx, cy = _CANVAS / 2 + dx, _CANVAS / 2 + 4 * _SCALE + dy
    radius = 19 * _SCALE * scale
    canvas = Image.new("RGB", (_CANVAS, _CANVAS), style.background)
    draw = ImageDraw.Draw(canvas)
    if semantics.action == "waving":
        _draw_waving_hand(draw, style, cx, cy, radius)
    _draw_body(canvas, style, cx, cy, radius)
    _draw_face(draw, style, semantics.emotion, cx, cy, radius)
    if semantics.action == "heart":
        _draw_held_heart(draw, style, cx, cy, radius)
    return canvas.resize((STICKER_SIZE, STICKER_SIZE), Image.Resampling.BOX)


def _silhouette(
    draw: ImageDraw.ImageDraw,
    shape: str,
    cx: float,
    cy: float,
    r: float,
    grow: float,
    fill: int | RGB,
) -> None:
    """Draw the character's silhouette, grown by ``grow`` pixels on every side."""
    g = grow
    if shape == "square":
        draw.rounded_rectangle((cx - r - g, cy - r - g, cx + r + g, cy + r + g), r * 0.35 + g, fill)
        return
    if shape == "cat":
        for side in (-1, 1):
            tip = (cx + side * r * 0.72, cy - r * 1.45)
            base = [(cx + side * r * 0.2, cy - r * 0.75), (cx + side * r * 0.95, cy - r * 0.35)]
            draw.polygon([tip, *base], fill=fill)
            if g:
                draw.line([tip, *base, tip], fill=fill, width=round(2 * g), joint="curve")
    elif shape == "bunny":
        for side in (-1, 1):
            ex = cx + side * r * 0.42
            draw.ellipse(
                (ex - r * 0.2 - g, cy - r * 1.75 - g, ex + r * 0.2 + g, cy - r * 0.4 + g), fill
            )
    draw.ellipse((cx - r - g, cy - r * 0.95 - g, cx + r + g, cy + r * 0.95 + g), fill)


def _draw_body(canvas: Image.Image, style: StickerStyle, cx: float, cy: float, r: float) -> None:
    width = int(style.outline_width) * _SCALE
    draw = ImageDraw.Draw(canvas)
    _silhouette(draw, style.shape, cx, cy, r, width, style.outline)
    mask = Image.new("L", canvas.size, 0)
    _silhouette(ImageDraw.Draw(mask), style.shape, cx, cy, r, 0, 255)
    canvas.paste(_fill_pattern(style, cx, cy, r), (0, 0), mask)


def _fill_pattern(style: StickerStyle, cx: float, cy: float, r: float) -> Image.Image:
    image = Image.new("RGB", (_CANVAS, _CANVAS), style.body)
    draw = ImageDraw.Draw(image)
    accent = _mix(style.body, style.accent, 0.55)
    if style.fill == "stripes":
        step = 8 * _SCALE
        for offset in range(-_CANVAS, 2 * _CANVAS, step):
            draw.line((offset, 0, offset - _CANVAS, _CANVAS), fill=accent, width=3 * _SCALE)
    elif style.fill == "dots":
        step = 9 * _SCALE
        for row, y in enumerate(range(int(cy - 2 * r), int(cy + 2 * r), step)):
            shift = step // 2 if row % 2 else 0
            for x in range(int(cx - 2 * r) + shift, int(cx + 2 * r), step):
                draw.ellipse(
                    (x - 2 * _SCALE, y - 2 * _SCALE, x + 2 * _SCALE, y + 2 * _SCALE), accent
                )
    elif style.fill == "gradient":
        top, bottom = cy - r * 1.8, cy + r
        for y in range(_CANVAS):
            t = min(max((y - top) / (bottom - top), 0.0), 1.0)
            draw.line((0, y, _CANVAS, y), fill=_mix(style.body, style.accent, 0.8 * t))
    return image


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _heart(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    size: float,
    fill: RGB,
    outline: RGB | None = None,
    width: float = 0,
) -> None:
    """A heart centred at (x, y), ``size`` pixels wide, with an outline ``width`` thick."""
    if outline is not None and width > 0:
        draw.polygon(_heart_points(x, y, size + 2.4 * width), fill=outline)
    draw.polygon(_heart_points(x, y, size), fill=fill)


def _heart_points(x: float, y: float, size: float) -> list[tuple[float, float]]:
    points = []
    for i in range(48):
        t = 2 * math.pi * i / 48
        hx = 16 * math.sin(t) ** 3
        hy = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        points.append((x + hx * size / 34, y - (hy + 2.5) * size / 34))
    return points


def _draw_face(
    draw: ImageDraw.ImageDraw, style: StickerStyle, emotion: str, cx: float, cy: float, r: float
) -> None:
    ink = style.face_ink
    s = r / 17 * FACE_SCALE  # one "pixel" at output scale, relative to the body
    stroke = max(2, round(2.5 * s))
    ex, ey = 8.5 * s, cy - 3 * s
    eyes = ((cx - ex, ey), (cx + ex, ey))
    my = cy + 7 * s

    def dot(x: float, y: float, rad: float) -> None:
        draw.ellipse((x - rad, y - rad, x + rad, y + rad), ink)

    if emotion in ("happy", "sad", "angry"):
        for x, y in eyes:
            dot(x, y, 2.6 * s)
    if emotion == "happy":
        draw.arc((cx - 7 * s, my - 6 * s, cx + 7 * s, my + 4 * s), 15, 165, ink, stroke)
        for x, _ in eyes:
            draw.ellipse(
                (x - 3 * s, my - 2.5 * s, x + 3 * s, my + 0.5 * s),
                _mix(style.accent, style.body, 0.3),
            )
    elif emotion == "sad":
        draw.arc((cx - 6 * s, my, cx + 6 * s, my + 9 * s), 200, 340, ink, stroke)
        for side, (x, y) in zip((-1, 1), eyes, strict=True):
            draw.line(
                (x - 3.5 * s, y - 5 * s - side * 1.5 * s, x + 3.5 * s, y - 5 * s + side * 1.5 * s),
                ink,
                stroke,
            )
        tx, ty = eyes[1][0] + 1 * s, eyes[1][1] + 5 * s
        draw.polygon(
            [(tx, ty - 2.5 * s), (tx - 2 * s, ty + 1.5 * s), (tx + 2 * s, ty + 1.5 * s)],
            fill=(90, 170, 255),
        )
        draw.ellipse((tx - 2 * s, ty, tx + 2 * s, ty + 3.5 * s), (90, 170, 255))
    elif emotion == "angry":
        for side, (x, y) in zip((-1, 1), eyes, strict=True):
            draw.line(
                (x - 4 * s, y - 6 * s + side * 2.5 * s, x + 4 * s, y - 6 * s - side * 2.5 * s),
                ink,
                stroke + _SCALE,
            )
        draw.line(
            (
                cx - 6 * s,
                my + 3 * s,
                cx - 2 * s,
                my + 1 * s,
                cx + 2 * s,
                my + 3 * s,
                cx + 6 * s,
                my + 1 * s,
            ),
            ink,
            stroke,
            joint="curve",
        )
    elif emotion == "surprised":
        for x, y in eyes:
            draw.ellipse(
                (x - 3.5 * s, y - 4 * s, x + 3.5 * s, y + 4 * s), (255, 255, 255), ink, stroke
            )
            dot(x, y + 0.5 * s, 1.5 * s)
        draw.ellipse((cx - 3.5 * s, my - 1 * s, cx + 3.5 * s, my + 7 * s), ink)
    elif emotion == "love":
        for x, y in eyes:
            _heart(draw, x, y, 8 * s, (235, 40, 80), ink, s * 0.6)
        draw.arc((cx - 5 * s, my - 4 * s, cx + 5 * s, my + 3 * s), 20, 160, ink, stroke)
    elif emotion == "sleepy":
        for x, y in eyes:
            draw.arc((x - 4 * s, y - 3 * s, x + 4 * s, y + 3 * s), 20, 160, ink, stroke)
        draw.ellipse((cx - 2 * s, my + 1 * s, cx + 2 * s, my + 5 * s), ink)
        zx, zy = cx + r * 0.75, cy - r * 1.0
        for k, size in enumerate((5 * s, 3.5 * s)):
            x0, y0 = zx + k * 7 * s, zy - k * 7 * s
            draw.line((x0, y0, x0 + size, y0, x0, y0 + size, x0 + size, y0 + size), ink, stroke)


def _draw_waving_hand(
    draw: ImageDraw.ImageDraw, style: StickerStyle, cx: float, cy: float, r: float
) -> None:
    width = int(style.outline_width) * _SCALE
    hx, hy, hr = cx - r * 1.25, cy - r * 0.72, r * 0.28
    draw.line((cx - r * 0.7, cy + r * 0.1, hx, hy), style.outline, round(hr * 1.2) + 2 * width)
    draw.line((cx - r * 0.7, cy + r * 0.1, hx, hy), style.body, round(hr * 1.2))
    draw.ellipse(
        (hx - hr - width, hy - hr - width, hx + hr + width, hy + hr + width), style.outline
    )
    draw.ellipse((hx - hr, hy - hr, hx + hr, hy + hr), style.body)
    for k in (1, 2):
        rad = hr + k * 5 * _SCALE
        draw.arc((hx - rad, hy - rad, hx + rad, hy + rad), 200, 250, style.outline, 2 * _SCALE)


def _draw_held_heart(
    draw: ImageDraw.ImageDraw, style: StickerStyle, cx: float, cy: float, r: float
) -> None:
    width = max(2, int(style.outline_width) * _SCALE // 2)
    hx, hy = cx + r * 0.55, cy + r * 0.72
    _heart(draw, hx, hy, r * 1.05, style.accent, style.outline, width)


STYLE_FIELDS = tuple(f.name for f in fields(StickerStyle))
