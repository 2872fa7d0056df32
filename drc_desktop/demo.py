"""``python3 installer/dev.py demo``: the main job, headless, on the built-in model.

Builds a few demo "users" from the sticker renderer (a history of 6 stickers each, in one
style with a palette the model never saw), generates personalized images for several
references (other styles, other semantics) and writes the PNGs and a contact sheet to
``out/demo/``:
one row per (user, reference): history | reference | outputs.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

from drc_desktop.core import stickers
from drc_desktop.core.errors import DrcError
from drc_desktop.core.images import encode_png

THUMB = stickers.STICKER_SIZE
GAP = 12
DEMO_SEED = 2025


def demo_users(count: int, references: int, seed: int = DEMO_SEED):
    """``count`` users, each ``(history images, [(reference image, semantics), ...])``."""
    rng = random.Random(seed)
    users = []
    for _ in range(count):
        style = stickers.sample_style(rng)
        semantics = rng.sample(stickers.ALL_SEMANTICS, 6 + references)
        history = [stickers.render(style, s, rng.getrandbits(16)) for s in semantics[:6]]
        refs = []
        for target in semantics[6:]:
            other = stickers.sample_style(rng)
            refs.append((stickers.render(other, target, rng.getrandbits(16)), target))
        users.append((history, refs))
    return users


def contact_sheet(
    rows: list[tuple[list[Image.Image], Image.Image, list[Image.Image]]],
) -> Image.Image:
    """Rows of history | reference | outputs, with a header line."""
    history_count = len(rows[0][0])
    outputs = len(rows[0][2])
    width = GAP + history_count * THUMB + 2 * GAP + THUMB + 2 * GAP + outputs * THUMB + GAP
    header = 20
    sheet = Image.new("RGB", (width, header + len(rows) * (THUMB + GAP) + GAP), "white")
    draw = ImageDraw.Draw(sheet)
    x_ref = GAP + history_count * THUMB + 2 * GAP
    x_out = x_ref + THUMB + 2 * GAP
    for x, label in ((GAP, "history (style)"), (x_ref, "reference"), (x_out, "DRC outputs")):
        draw.text((x, 5), label, fill=(40, 40, 40))
    for r, (history, reference, images) in enumerate(rows):
        y = header + GAP + r * (THUMB + GAP)
        for i, image in enumerate(history):
            sheet.paste(image.resize((THUMB, THUMB)), (GAP + i * THUMB, y))
        sheet.paste(reference.resize((THUMB, THUMB)), (x_ref, y))
        for i, image in enumerate(images):
            sheet.paste(
                image.resize((THUMB, THUMB), Image.Resampling.BICUBIC), (x_out + i * THUMB, y)
            )
    return sheet


def sticker_world_sheet(styles: int = 8, seed: int = 7) -> Image.Image:
    """Every semantics (columns) for a few random styles (rows): the sticker world at a glance."""
    rng = random.Random(seed)
    themes = [
        stickers.sample_style(rng, ((shape, width, fill),))
        for shape, width, fill in zip(
            stickers.SHAPES * 2, stickers.OUTLINE_WIDTHS * 3, stickers.FILLS * 2, strict=False
        )
    ][:styles]
    header = 34
    columns = stickers.ALL_SEMANTICS
    sheet = Image.new("RGB", (len(columns) * THUMB, header + len(themes) * THUMB), "white")
    draw = ImageDraw.Draw(sheet)
    for j, semantics in enumerate(columns):
        if semantics.action == stickers.ACTIONS[0]:
            draw.text((j * THUMB + 4, 4), semantics.emotion, fill=(30, 30, 30))
        draw.text((j * THUMB + 4, 18), semantics.action, fill=(110, 110, 110))
    for i, theme in enumerate(themes):
        for j, semantics in enumerate(columns):
            sheet.paste(
                stickers.render(theme, semantics, seed=i * 100 + j), (j * THUMB, header + i * THUMB)
            )
    return sheet


def run(out: Path, users: int = 4, references: int = 3, n: int = 4, seed: int = 0) -> Path:
    from drc_desktop.ml.devices import resolve_device
    from drc_desktop.ml.drc_mini import MiniModel

    model = MiniModel.load().to(resolve_device("auto"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    started = time.perf_counter()
    for u, (history, refs) in enumerate(demo_users(users, references)):
        for r, (reference, semantics) in enumerate(refs):
            images: list[Image.Image] = []
            for _, _, result in model.generate(history, reference, n=n, seed=seed + r):
                images = result or images
            for i, image in enumerate(images):
                name = f"user{u}-ref{r}-{i:02d}.png"
                big = image.resize((THUMB, THUMB), Image.Resampling.BICUBIC)
                (out / name).write_bytes(encode_png(big))
            rows.append((history, reference, images))
            print(
                f"user {u}, reference {r} ({semantics.emotion}, {semantics.action}): "
                f"{len(images)} images",
                flush=True,
            )
    sheet = out / "contact-sheet.png"
    sheet.write_bytes(encode_png(contact_sheet(rows)))
    print(f"done in {time.perf_counter() - started:.1f} s")
    print(f"contact sheet: {sheet.resolve()}")
    print(f"images: {out.resolve()}")
    return sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out/demo"))
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--references", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sticker-sheet",
        type=Path,
        metavar="FILE.png",
        help="only draw the sticker world's contact sheet (no model needed)",
    )
    args = parser.parse_args(argv)
    if args.sticker_sheet:
        args.sticker_sheet.write_bytes(encode_png(sticker_world_sheet()))
        print(f"sticker sheet: {args.sticker_sheet.resolve()}")
        return 0
    try:
        run(args.out, args.users, args.references, seed=args.seed)
    except DrcError as exc:
        print(f"demo: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
