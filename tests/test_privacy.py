"""The privacy promise, proved on a whole run: init, import a folder, generate, export.

The run happens in a child process whose HOME, TMPDIR, XDG folders and DRC_HOME all point into
one sandbox, with every way of opening a network connection replaced by a failure. Afterwards
every file in the sandbox is read: none may hold an imported image (its bytes, or pixels that
decode to it) or the stored vectors' raw bytes, and the vault itself must show no plaintext.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drc_desktop.core import stickers
from drc_desktop.core.images import decode_image
from drc_desktop.store.vault import Vault
from tests.privacy_scan import image_leaks, vector_leaks, written_files

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "privacy proof passphrase"
PROFILE = "Confidential-Client-Xylo"

FLOW = """
import socket, sys
def refuse(*args, **kwargs):
    raise SystemExit("a network connection was attempted")
socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = refuse
socket.create_connection = socket.getaddrinfo = refuse
from drc_desktop.cli import main
source, reference, export, profile = sys.argv[1:5]
steps = [
    ["vault", "init"],
    ["profile", "create", profile],
    ["import", profile, source],
    ["generate", "--profile", profile, "--reference", reference, "--n", "2", "--steps", "2"],
    ["outputs", "export", "1", "2", "--out", export],
    ["outputs", "add-to-history", "1"],
    ["history", "list", profile],
]
for step in steps:
    status = main(step)
    if status != 0:
        sys.exit(f"{step[0]} {step[1]} exited {status}")
"""


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("privacy")
    source = root / "source"  # the user's originals: outside the sandbox, never scanned
    source.mkdir()
    rng = random.Random(11)
    style = stickers.sample_style(rng)
    originals = []
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:6]):
        path = source / f"private-{index}.png"
        stickers.render(style, semantics, seed=index).save(path)
        originals.append(path)
    reference = root / "reference.png"
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[8]).save(reference)

    sandbox = root / "sandbox"
    for folder in ("home", "tmp", "drc-home", "export"):
        (sandbox / folder).mkdir(parents=True)
    environment = {
        **os.environ,
        "HOME": str(sandbox / "home"),
        "TMPDIR": str(sandbox / "tmp"),
        "XDG_CACHE_HOME": str(sandbox / "home" / ".cache"),
        "XDG_DATA_HOME": str(sandbox / "home" / ".local" / "share"),
        "XDG_CONFIG_HOME": str(sandbox / "home" / ".config"),
        "DRC_HOME": str(sandbox / "drc-home"),
        "DRC_PASSPHRASE": PASSPHRASE,
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", FLOW, str(source), str(reference), str(sandbox / "export"),
         PROFILE],
        cwd=sandbox / "home", env=environment, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    return {"done": done, "sandbox": sandbox, "originals": originals}


def test_the_flow_runs_with_every_network_connection_refused(finished_run):
    done = finished_run["done"]
    assert done.returncode == 0, done.stderr
    assert "network connection was attempted" not in done.stderr


def test_the_run_writes_only_the_vault_and_the_exported_images(finished_run):
    sandbox = finished_run["sandbox"]
    written = sorted(str(p.relative_to(sandbox)) for p in sandbox.rglob("*") if p.is_file())
    assert written == ["drc-home/vault.db", "export/image-001.png", "export/image-002.png"]


def test_no_written_file_holds_an_imported_image(finished_run):
    sandbox = finished_run["sandbox"]
    originals = finished_run["originals"]
    files = written_files(sandbox)
    assert files
    problems = image_leaks(
        files,
        pictures={p.name: np.asarray(decode_image(p.read_bytes(), p.name)) for p in originals},
        encoded={p.name: p.read_bytes() for p in originals},
        allowed=set(written_files(sandbox / "export")),  # the two exported outputs
    )
    assert problems == []


def test_no_written_file_holds_the_stored_vectors_and_the_vault_shows_no_plaintext(finished_run):
    sandbox = finished_run["sandbox"]
    with Vault.unlock(sandbox / "drc-home", PASSPHRASE) as vault:
        profile = vault.profiles.get(PROFILE)
        items = vault.history.list(profile.id)
        encoder = items[0].vectors.encoder
    assert len(items) == 7  # six imported, one added from an output
    needles = [
        getattr(item.vectors, part).astype("<f4").tobytes()[:256]
        for item in items
        for part in ("features", "style", "semantics")
    ]
    vault_bytes = (sandbox / "drc-home" / "vault.db").read_bytes()
    assert vector_leaks(written_files(sandbox), needles) == []
    for plaintext in (b"SQLite format 3", PROFILE.encode(), encoder.encode(), b"CREATE TABLE",
                      b"history_items", b"IHDR", b"\x89PNG"):  # fmt: skip
        assert plaintext not in vault_bytes, plaintext
