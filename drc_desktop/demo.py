"""``python3 installer/dev.py demo``: the main job, headless, on the built-in model.

Runs the product's whole flow through a demo vault, as the CLI and the GUI do:

1. builds a few demo "users" from the sticker renderer (6 stickers each, in one style with a
   palette the model never saw; users alternate between sticker-like palettes and colours
   from anywhere in the colour space, and every second user's history shows one expression
   only, as a designer's past work often does) and writes them to ``out/demo/originals/``
   (the user's own files, which the app never copies);
2. creates an encrypted vault in ``out/demo/vault/`` (passphrase ``DEMO_PASSPHRASE``: demo
   data only), one profile per user, and imports the originals (only vectors are kept);
3. generates from each profile's stored vectors for several references (other styles, other
   semantics), keeping the outputs in the vault;
4. exports them to ``out/demo/exports/`` (neutral names, no metadata) and draws a contact
   sheet, one row per (user, reference): history | reference | outputs.
"""

from __future__ import annotations

import argparse
import random
import shutil
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
    for index in range(count):
        style = stickers.sample_style(rng, palette_source=("prior", "uniform")[index % 2])
        while style.contrast < stickers.CONTRAST_FLOOR:  # a demo shows readable styles
            style = stickers.sample_style(rng, palette_source=("prior", "uniform")[index % 2])
        semantics = rng.sample(stickers.ALL_SEMANTICS, 6 + references)
        shown = semantics[:6] if index % 4 < 2 else [semantics[0]] * 6
        targets = semantics[6:] if index % 4 < 2 else semantics[1 : 1 + references]
        history = [stickers.render(style, s, rng.getrandbits(16)) for s in shown]
        refs = []
        for target in targets:
            other = stickers.sample_style(rng, palette_source="mixed")
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
                image.resize((THUMB, THUMB), Image.Resampling.NEAREST), (x_out + i * THUMB, y)
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


DEMO_PASSPHRASE = "demo vault passphrase"
"""The demo vault's passphrase: it holds nothing but generated demo stickers."""


def run(out: Path, users: int = 4, references: int = 3, n: int = 4, seed: int = 0) -> Path:
    from drc_desktop.core.requests import GenerationRequest
    from drc_desktop.services.generation import generate_for_profile
    from drc_desktop.services.intake import ImportStatus, import_files
    from drc_desktop.services.models import load_generator
    from drc_desktop.store.exports import export_outputs
    from drc_desktop.store.vault import Vault

    started = time.perf_counter()
    home = out / "vault"
    if home.exists():  # the demo's own vault from an earlier run: demo data only
        shutil.rmtree(home)
    rows = []
    with Vault.create(home, DEMO_PASSPHRASE) as vault:
        print(f"vault: {vault.path.resolve()} (passphrase: {DEMO_PASSPHRASE!r})")
        model = load_generator(vault, "drc-mini", "auto")
        for u, (history, refs) in enumerate(demo_users(users, references)):
            originals = out / "originals" / f"user{u}"
            originals.mkdir(parents=True, exist_ok=True)
            for i, image in enumerate(history):
                (originals / f"{i:02d}.png").write_bytes(encode_png(image))
            profile = vault.profiles.create(f"Demo user {u}", "drc-mini")
            results = list(import_files(vault, model, profile.id, [originals]))
            imported = sum(r.status is ImportStatus.imported for r in results)
            print(f"{profile.name}: imported {imported} images as vectors", flush=True)
            for r, (reference, semantics) in enumerate(refs):
                request = GenerationRequest(profile_id=profile.id, n=n, seed=seed + r)
                ids: list[int] = []
                for _, _, result in generate_for_profile(vault, model, request, reference):
                    ids = result or ids
                written = export_outputs(vault, ids, out / "exports" / f"user{u}-ref{r}")
                images = [Image.open(path).convert("RGB") for path in written]
                rows.append((history, reference, images))
                print(
                    f"  reference {r} ({semantics.emotion}, {semantics.action}): "
                    f"outputs {ids[0]}-{ids[-1]} kept in the vault and exported",
                    flush=True,
                )
    sheet = out / "contact-sheet.png"
    sheet.write_bytes(encode_png(contact_sheet(rows)))
    print(f"done in {time.perf_counter() - started:.1f} s")
    print(f"contact sheet: {sheet.resolve()}")
    print(f"exports: {(out / 'exports').resolve()}")
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
