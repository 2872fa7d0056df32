"""`drc outputs list` and `drc outputs regenerate` with the built-in model (issue 11 §3)."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
from PIL import Image

from drc_desktop import cli
from drc_desktop.core import stickers
from drc_desktop.core.requests import RESOLVED_FIELDS, GenerationRequest
from drc_desktop.store.vault import Vault

PASSPHRASE = "cli outputs passphrase"


@pytest.fixture
def drc(tmp_path, monkeypatch, capsys):
    """``drc ARGS`` against a vault in a temporary DRC_HOME; returns (status, out, err)."""
    monkeypatch.setenv("DRC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRC_PASSPHRASE", PASSPHRASE)

    def run(*args: object) -> tuple[int, str, str]:
        status = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def ready(drc, tmp_path):
    """Profile Alice with three stickers of one style; returns the reference's path."""
    folder = tmp_path / "images"
    folder.mkdir()
    style = stickers.sample_style(random.Random(5))
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:4]):
        stickers.render(style, semantics, seed=index).save(folder / f"{index}.png")
    assert drc("vault", "init")[0] == cli.EXIT_OK
    assert drc("profile", "create", "Alice")[0] == cli.EXIT_OK
    for index in range(3):
        assert drc("import", "Alice", folder / f"{index}.png")[0] == cli.EXIT_OK
    reference = tmp_path / "reference.png"
    stickers.render(stickers.sample_style(random.Random(9)), stickers.ALL_SEMANTICS[7]).save(
        reference
    )
    return folder, reference


def exported(drc, output_id: int, folder) -> np.ndarray:
    status, out, _ = drc("outputs", "export", output_id, "--out", folder)
    assert status == cli.EXIT_OK
    with Image.open(out.strip()) as image:
        return np.asarray(image)


def test_list_json_shows_the_resolved_request_without_nulls(drc, ready):
    _, reference = ready
    status, _, _ = drc("generate", "--profile", "Alice", "--reference", reference, "--n", "1")
    assert status == cli.EXIT_OK
    (listed,) = json.loads(drc("outputs", "list", "--json")[1])
    request = listed["request"]
    assert listed["not_recorded"] == []
    for name in (*RESOLVED_FIELDS, "guidance_weights", "method", "seed", "model"):
        assert request[name] is not None, name
    assert request["steps"] == 20 and request["method"] == "drc"  # the defaults, explicit
    assert all(len(digest) == 64 for digest in request["weights"].values())


def test_regenerate_prints_a_new_id_with_the_same_pixels(drc, ready, tmp_path):
    _, reference = ready
    _, out, _ = drc("generate", "--profile", "Alice", "--reference", reference,
                    "--n", "2", "--steps", "2", "--seed", "4")  # fmt: skip
    first, second = (int(line) for line in out.split())
    status, out, err = drc("outputs", "regenerate", second)
    assert status == cli.EXIT_OK, err
    (again,) = (int(line) for line in out.split())
    assert again not in (first, second)
    np.testing.assert_array_equal(
        exported(drc, again, tmp_path / "a"), exported(drc, second, tmp_path / "b")
    )


def test_regenerate_says_when_the_history_changed(drc, ready):
    folder, reference = ready
    _, out, _ = drc("generate", "--profile", "Alice", "--reference", reference,
                    "--n", "1", "--steps", "2")  # fmt: skip
    (output_id,) = (int(line) for line in out.split())
    drc("import", "Alice", folder / "3.png")
    status, out, err = drc("outputs", "regenerate", output_id)
    assert status == cli.EXIT_ERROR and out == ""
    assert "history changed" in err and "--current-history" in err and "Traceback" not in err
    status, out, _ = drc("outputs", "regenerate", output_id, "--current-history")
    assert status == cli.EXIT_OK and int(out)


def test_old_outputs_show_not_recorded(drc, ready, tmp_path):
    with Vault.unlock(tmp_path / "home", PASSPHRASE) as vault:
        profile = vault.profiles.get("Alice")
        old_id = vault.outputs.add(b"png", 64, 64, GenerationRequest(profile_id=profile.id))
    status, out, _ = drc("outputs", "list")
    assert status == cli.EXIT_OK
    assert "not recorded" in out.splitlines()[1]
    (listed,) = json.loads(drc("outputs", "list", "--json")[1])
    assert "steps" in listed["not_recorded"] and "weights" in listed["not_recorded"]
    status, _, err = drc("outputs", "regenerate", old_id)
    assert status == cli.EXIT_ERROR and "not recorded" in err
