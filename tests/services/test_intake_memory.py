"""Import memory is bounded whatever the images (issue 13 §3): decoded images are reduced as
soon as they are fingerprinted, and batches are cut by pixels, not only by count.

16 PNGs just under the pixel cap made an import peak at 3.1 GB; here 12 copies of a smaller
one (2000 x 2000, 12 MB when decoded) in one batch would hold 144 MB at full size. The child
measures its peak RSS (``ru_maxrss``) over the import; ``benchmarks/attack_vault.py`` runs the
full-size case with the built-in model.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

import drc_desktop
from drc_desktop.store.vault import Vault

PASSPHRASE = "intake memory passphrase"
IMAGES, SIDE = 12, 2000
BOUND_MIB = 120  # one full-size image in flight (decode, convert, fingerprint), not twelve

CHILD = """
import json, resource, sys
from pathlib import Path
import numpy as np
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.services.intake import ImportStatus, import_files
from drc_desktop.store.vault import Vault

class Describer:
    sizes = []
    def describe(self, images):
        self.sizes += [image.size for image in images]
        zeros = np.zeros((16, 64))
        return [ImageVectors("fake@0", zeros, zeros, zeros) for _ in images]

def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

describer = Describer()
with Vault.unlock(Path(sys.argv[1]), sys.argv[3]) as vault:
    profile = vault.profiles.create("Memory", "drc-mini").id
    before = peak_mib()
    results = list(import_files(vault, describer, profile, [Path(sys.argv[2])]))
    after = peak_mib()
print(json.dumps({
    "grew_mib": after - before,
    "imported": sum(r.status == ImportStatus.imported for r in results),
    "largest_side": max(max(size) for size in describer.sizes),
}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_import_peak_memory_does_not_grow_with_the_batch(tmp_path):
    folder = tmp_path / "large"
    folder.mkdir()
    png = io.BytesIO()  # a flat colour: a tiny file, full-size pixels when decoded
    Image.new("RGB", (SIDE, SIDE), (10, 80, 200)).save(png, format="PNG", compress_level=1)
    for index in range(IMAGES):  # copies: duplicates are decoded and fingerprinted all the same
        (folder / f"{index:02d}.png").write_bytes(png.getvalue())
    Vault.create(tmp_path / "home", PASSPHRASE).close()
    root = str(Path(drc_desktop.__file__).parents[1])
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "home"), str(folder), PASSPHRASE],
        env={**os.environ, "PYTHONPATH": root}, capture_output=True, text=True, timeout=300,
        check=True,
    )  # fmt: skip
    measured = json.loads(done.stdout)
    assert measured["imported"] == 1  # and IMAGES - 1 duplicates
    assert measured["grew_mib"] < BOUND_MIB, measured
    assert measured["largest_side"] < SIDE  # what the model was given was reduced
