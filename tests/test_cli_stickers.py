"""Specification of ``drc stickers`` and of the CLI's error contract, run in-process."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from drc_desktop import __version__
from drc_desktop.cli import EXIT_ERROR, EXIT_OK, main
from drc_desktop.core import stickers

REPO_ROOT = Path(__file__).resolve().parents[1]

STYLE = {
    "body": "#E6782A",
    "accent": "#285adc",
    "outline": "#14141e",
    "background": "#f5faeb",
    "shape": "cat",
    "outline_width": "4",
    "fill": "dots",
}
SEMANTICS = {"emotion": "love", "action": "waving"}


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _render(
    tmp_path: Path,
    style: object = STYLE,
    semantics: object = SEMANTICS,
    seed: int = 5,
    out: str = "out.png",
) -> tuple[int, Path]:
    args = [
        "stickers",
        "render",
        "--style",
        str(_write_json(tmp_path / "style.json", style)),
        "--semantics",
        str(_write_json(tmp_path / "semantics.json", semantics)),
        "--seed",
        str(seed),
        "--out",
        str(tmp_path / out),
    ]
    return main(args), tmp_path / out


def _png_chunk_types(data: bytes) -> list[bytes]:
    types, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def _assert_one_line_error(stderr: str, *parts: str) -> None:
    assert stderr.startswith("drc: error: ")
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr
    for part in parts:
        assert part in stderr


def test_schema_prints_the_contract_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stickers", "schema"]) == EXIT_OK
    printed = json.loads(capsys.readouterr().out)
    assert printed == stickers.schema()
    assert set(printed) == {"style", "semantics"}
    assert printed["style"]["body"] == {"type": "color"}
    assert printed["semantics"]["emotion"]["type"] == "choice"


def test_render_writes_a_64_pixel_rgb_png(tmp_path: Path) -> None:
    code, out = _render(tmp_path)
    assert code == EXIT_OK
    with Image.open(out) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGB", (64, 64))


def test_render_matches_the_library_renderer(tmp_path: Path) -> None:
    _, out = _render(tmp_path, seed=9)
    expected = stickers.render(
        stickers.StickerStyle.from_json(STYLE), stickers.StickerSemantics.from_json(SEMANTICS), 9
    )
    with Image.open(out) as image:
        assert image.tobytes() == expected.tobytes()


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    _, first = _render(tmp_path, seed=1, out="a.png")
    _, again = _render(tmp_path, seed=1, out="b.png")
    _, other = _render(tmp_path, seed=2, out="c.png")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_rendered_png_carries_no_metadata(tmp_path: Path) -> None:
    _, out = _render(tmp_path)
    data = out.read_bytes()
    assert set(_png_chunk_types(data)) == {b"IHDR", b"IDAT", b"IEND"}
    assert b"seed" not in data.lower()


@pytest.mark.parametrize(
    ("style", "semantics", "expected"),
    [
        ({k: v for k, v in STYLE.items() if k != "fill"}, SEMANTICS, ["style.json", "'fill'"]),
        ({**STYLE, "sparkle": "yes"}, SEMANTICS, ["style.json", "'sparkle'"]),
        ({**STYLE, "body": "orange"}, SEMANTICS, ["style.json.body", "colour", "'orange'"]),
        ({**STYLE, "shape": "dragon"}, SEMANTICS, ["style.json.shape", "'dragon'"]),
        (STYLE, {"emotion": "bored", "action": "none"}, ["semantics.json.emotion", "'bored'"]),
        (STYLE, {"emotion": "happy"}, ["semantics.json", "'action'"]),
        (["not", "an", "object"], SEMANTICS, ["style.json", "JSON object"]),
    ],
)
def test_bad_fields_exit_2_with_one_line_naming_the_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    style: object,
    semantics: object,
    expected: list[str],
) -> None:
    code, out = _render(tmp_path, style, semantics)
    assert code == EXIT_ERROR
    _assert_one_line_error(capsys.readouterr().err, *expected)
    assert not out.exists()


def test_unparsable_json_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    style = tmp_path / "broken.json"
    style.write_text('{"body": "#ffffff",', encoding="utf-8")
    sem = _write_json(tmp_path / "sem.json", SEMANTICS)
    args = ["--style", str(style), "--semantics", str(sem), "--out", str(tmp_path / "o.png")]
    assert main(["stickers", "render", *args]) == EXIT_ERROR
    _assert_one_line_error(capsys.readouterr().err, "broken.json: not valid JSON", "line 1")


def test_missing_json_file_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sem = _write_json(tmp_path / "sem.json", SEMANTICS)
    missing = tmp_path / "nothere.json"
    args = ["--style", str(missing), "--semantics", str(sem), "--out", str(tmp_path / "o.png")]
    assert main(["stickers", "render", *args]) == EXIT_ERROR
    _assert_one_line_error(capsys.readouterr().err, "nothere.json: cannot read file")


def test_unwritable_output_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _render(tmp_path, out="no/such/folder/out.png")
    assert code == EXIT_ERROR
    _assert_one_line_error(capsys.readouterr().err, "out.png: cannot write file")


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_ERROR
    assert main(["stickers", "render", "--seed", "1"]) == EXIT_ERROR
    assert main(["stickers", "render", "--seed", "one"]) == EXIT_ERROR
    assert "Traceback" not in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"drc {__version__}"


def test_cli_import_and_light_commands_load_no_torch(tmp_path: Path) -> None:
    script = (
        "import sys; from drc_desktop.cli import main; main(['stickers', 'schema']); "
        "sys.stderr.write(repr(sorted({'torch', 'diffusers'} & set(sys.modules))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stderr == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "drc_desktop", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout.strip()) == (0, f"drc {__version__}")
