"""The `drc compose`, `drc eval` and `drc train` commands, in-process, on a tiny trained model."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from drc_desktop import cli
from drc_desktop.core import stickers
from drc_desktop.ml.builtin import training
from drc_desktop.ml.builtin.drc_mini import MiniModel
from drc_desktop.ml.builtin.evaluation import ALL_METHODS, REPORT_SCHEMA_VERSION
from drc_desktop.ml.builtin.training import train_judges
from drc_desktop.ml.weights import sha256_of

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sticker_files(tmp_path: Path) -> tuple[Path, Path]:
    """A history folder of three stickers of one style and a reference of another style."""
    rng = random.Random(3)
    style = stickers.sample_style(rng)
    history = tmp_path / "history"
    history.mkdir()
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:3]):
        stickers.render(style, semantics, seed=index).save(history / f"{index}.png")
    reference = tmp_path / "reference.png"
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[9]).save(reference)
    return history, reference


def compose(model: Path, history: Path, reference: Path, out: Path, *extra: str) -> int:
    return cli.main(
        ["compose", "--history", str(history), "--reference", str(reference), "--out", str(out),
         "--steps", "2", "--model", str(model), *extra]
    )  # fmt: skip


def test_compose_writes_numbered_pngs_and_nothing_else(trained_model_dir, sticker_files, tmp_path):
    history, reference = sticker_files
    out = tmp_path / "out"
    assert compose(trained_model_dir, history, reference, out, "--n", "3") == cli.EXIT_OK
    assert sorted(p.name for p in out.iterdir()) == ["000.png", "001.png", "002.png"]
    with Image.open(out / "000.png") as image:
        assert image.size == (stickers.STICKER_SIZE, stickers.STICKER_SIZE)
        assert image.mode == "RGB"


def test_compose_is_deterministic_for_a_seed(trained_model_dir, sticker_files, tmp_path):
    history, reference = sticker_files
    for name in ("a", "b"):
        compose(trained_model_dir, history, reference, tmp_path / name, "--n", "2", "--seed", "7")
    compose(trained_model_dir, history, reference, tmp_path / "c", "--n", "2", "--seed", "8")
    first = (tmp_path / "a" / "001.png").read_bytes()
    assert first == (tmp_path / "b" / "001.png").read_bytes()
    assert first != (tmp_path / "c" / "001.png").read_bytes()


def test_compose_reports_rejected_history_files_and_goes_on(
    trained_model_dir, sticker_files, tmp_path, capsys
):
    history, reference = sticker_files
    (history / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (history / "empty.jpg").write_bytes(b"")
    status = compose(trained_model_dir, history, reference, tmp_path / "out", "--n", "1")
    assert status == cli.EXIT_PARTIAL
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2
    assert any("broken.png" in line for line in lines)
    assert any("empty.jpg" in line for line in lines)
    assert (tmp_path / "out" / "000.png").is_file()


def test_compose_with_no_usable_history_is_one_clear_error(
    trained_model_dir, sticker_files, tmp_path, capsys
):
    _, reference = sticker_files
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "notes.png").write_text("not an image")
    status = compose(trained_model_dir, empty, reference, tmp_path / "out")
    err = capsys.readouterr().err
    assert status == cli.EXIT_ERROR
    assert "history is empty" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_compose_rejects_a_strength_outside_the_range(trained_model_dir, sticker_files, tmp_path):
    history, reference = sticker_files
    out = tmp_path / "out"
    assert compose(trained_model_dir, history, reference, out, "--style-strength", "2.5") == 2
    assert not out.exists()


def test_compose_refuses_a_model_whose_weights_changed(trained_model_dir, sticker_files, tmp_path,
                                                       capsys):  # fmt: skip
    history, reference = sticker_files
    model = tmp_path / "model"
    shutil.copytree(trained_model_dir, model, ignore=shutil.ignore_patterns("checkpoints"))
    with (model / "encoder.safetensors").open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x01\x02\x03")
    assert compose(model, history, reference, tmp_path / "out") == cli.EXIT_ERROR
    assert "encoder.safetensors" in capsys.readouterr().err


def test_compose_opens_no_network_socket(trained_model_dir, sticker_files, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    history, reference = sticker_files
    assert compose(trained_model_dir, history, reference, tmp_path / "out", "--n", "1") == 0


@pytest.fixture(scope="module")
def judged_model_dir(trained_model_dir, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("judged") / "model"
    shutil.copytree(trained_model_dir, folder, ignore=shutil.ignore_patterns("checkpoints"))
    return train_judges(folder, seed=0, styles=2, steps=2)


def test_eval_writes_a_report_with_the_documented_schema(judged_model_dir, tmp_path, capsys):
    report_path = tmp_path / "report.json"
    status = cli.main(
        ["eval", "--suite", "stickers", "--out", str(report_path), "--per-cell", "1",
         "--steps", "2", "--model", str(judged_model_dir)]
    )  # fmt: skip
    assert status == cli.EXIT_OK
    report = json.loads(report_path.read_text())
    assert report["schema_version"] == REPORT_SCHEMA_VERSION == 2
    assert report["settings"]["cases"] == 12
    assert report["settings"]["reference_view"] == "variants"  # the tiny model's default
    assert set(report["methods"]) == set(ALL_METHODS) == {
        "drc", "entangled", "oracle", "reference_only"
    }  # fmt: skip
    for result in report["methods"].values():
        assert len(result["cells"]) == 12
        assert isinstance(result["seconds_per_image"], float)
        for summary in (result["all"], *result["cells"].values()):
            for key in ("style_accuracy", "semantic_accuracy", "collapse_rate",
                        "reference_style_rate", "history_semantics_rate", "shape_accuracy",
                        "outline_width_accuracy", "fill_accuracy", "background_delta_e",
                        "history_similarity", "reference_similarity"):  # fmt: skip
                assert isinstance(summary[key], float), key
            low, high = summary["collapse_rate_ci95"]
            assert 0.0 <= low <= summary["collapse_rate"] <= high <= 1.0
            either = max(summary["reference_style_rate"], summary["history_semantics_rate"])
            assert either <= summary["collapse_rate"]
    judges = report["judges"]["judges.safetensors"]
    assert {"style_accuracy", "semantic_accuracy"} <= set(judges["all"])
    # The tiny model draws on an autoencoder's latents: its reconstructions are judged too.
    fidelity = report["autoencoder"]["judges.safetensors"]
    assert fidelity["reconstructions"]["all"]["cases"] == 12
    assert set(fidelity["agreement"]) == {
        "style_accuracy", "shape_accuracy", "outline_width_accuracy", "fill_accuracy",
        "semantic_accuracy",
    }  # fmt: skip
    assert all(0.0 <= v <= 1.0 for v in fidelity["agreement"].values())
    assert "drc" in capsys.readouterr().out


def test_eval_without_judges_says_how_to_train_them(trained_model_dir, tmp_path, capsys):
    status = cli.main(
        ["eval", "--suite", "stickers", "--out", str(tmp_path / "r.json"), "--per-cell", "1",
         "--model", str(trained_model_dir)]
    )  # fmt: skip
    assert status == cli.EXIT_ERROR
    assert "drc train judges" in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


def test_train_builtin_command_honours_seed_methods_and_the_ablation_switch(
    tmp_path, monkeypatch, tiny_config, trained_model_dir
):
    """``--seed`` reaches training: the report records it and the weights differ from the
    session's tiny model, trained the same way from seed 0."""
    config_class = training.TrainConfig

    def tiny_budget(**options) -> training.TrainConfig:
        # The CLI's own options on the tiny budget (the recipe is the same, the budget not).
        return dataclasses.replace(config_class.tiny(), **options)

    monkeypatch.setattr(training, "TrainConfig", tiny_budget)
    original = training.train_builtin
    monkeypatch.setattr(
        training,
        "train_builtin",
        lambda out, config, device: original(out, config, tiny_config, device),
    )
    out = tmp_path / "model"
    argv = ["train", "builtin", "--out", str(out), "--seed", "3", "--methods", "drc",
            "--threads", "1", "--no-importance-sampling"]  # fmt: skip
    assert cli.main(argv) == 0
    report = json.loads((out / "training.json").read_text())
    assert report["seed"] == 3
    assert report["methods"] == ["drc"]
    assert report["importance"]["enabled"] is False
    assert (out / "generator-drc.safetensors").is_file()
    assert not (out / "generator-entangled.safetensors").exists()
    MiniModel.load(out, methods=("drc",))
    encoder = "encoder.safetensors"
    assert sha256_of(out / encoder) != sha256_of(trained_model_dir / encoder)


def test_compose_reports_a_missing_history_path_and_goes_on(
    trained_model_dir, sticker_files, tmp_path, capsys
):
    history, reference = sticker_files
    out = tmp_path / "out"
    status = cli.main(
        ["compose", "--history", str(history), str(tmp_path / "gone"), "--reference",
         str(reference), "--out", str(out), "--n", "1", "--steps", "2", "--model",
         str(trained_model_dir)]
    )  # fmt: skip
    assert status == cli.EXIT_PARTIAL
    assert "gone" in capsys.readouterr().err
    assert (out / "000.png").is_file()


def test_a_compose_run_connects_nowhere_and_writes_only_its_outputs(
    trained_model_dir, sticker_files, tmp_path
):
    """The whole process, imports included, with connections and name lookups refused (a
    library may create a socket to probe IPv6 support, which sends nothing); every file it
    wrote is looked at (DESIGN.md §4: no network, no stray copies of history images)."""
    history, reference = sticker_files
    home = tmp_path / "home"
    (home / "tmp").mkdir(parents=True)
    out = home / "out"
    program = (
        "import socket, sys\n"
        "def refuse(*a, **k): raise SystemExit('a network connection was attempted')\n"
        "socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = refuse\n"
        "socket.create_connection = socket.getaddrinfo = refuse\n"
        "from drc_desktop.cli import main\n"
        f"sys.exit(main(['compose', '--history', {str(history)!r}, '--reference', "
        f"{str(reference)!r}, '--out', {str(out)!r}, '--n', '2', '--steps', '2', "
        f"'--model', {str(trained_model_dir)!r}]))\n"
    )
    environment = {
        **os.environ,
        "HOME": str(home),
        "TMPDIR": str(home / "tmp"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    done = subprocess.run([sys.executable, "-c", program], cwd=home, env=environment,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert written == ["out/000.png", "out/001.png"]
