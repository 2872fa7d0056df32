"""The shipped drc-mini model: present, intact, small, and generating."""

from __future__ import annotations

import random

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, MiniModel
from drc_desktop.ml.model_files import verify_manifest

MAX_TOTAL_BYTES = 50 * 1024 * 1024


def test_builtin_model_files_match_their_manifest_and_stay_small():
    verify_manifest(BUILTIN_MODEL_DIR)
    total = sum(p.stat().st_size for p in BUILTIN_MODEL_DIR.iterdir() if p.is_file())
    assert total < MAX_TOTAL_BYTES
    names = {p.name for p in BUILTIN_MODEL_DIR.iterdir()}
    assert {"generator-drc.safetensors", "generator-entangled.safetensors",
            "judges.safetensors", "judges-seed1.safetensors", "config.json"} <= names  # fmt: skip
    assert not any(name.endswith((".pt", ".bin", ".ckpt", ".pkl")) for name in names)


def test_builtin_model_generates_stickers_from_a_history_and_a_reference():
    model = MiniModel.load(BUILTIN_MODEL_DIR, methods=("drc",))
    rng = random.Random(11)
    style = stickers.sample_style(rng)
    history = [stickers.render(style, s, seed=i) for i, s in enumerate(stickers.ALL_SEMANTICS[:4])]
    reference = stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[12])
    final = None
    for _, total, images in model.generate(history, reference, n=2, steps=3, seed=1):
        assert total == 3
        final = images
    assert final is not None and len(final) == 2
    assert final[0].size == (
        stickers.STICKER_SIZE,
        stickers.STICKER_SIZE,
    )  # whatever the model's size
    assert final[0].tobytes() != final[1].tobytes()  # each output has its own reference variant
