"""The privacy scan of a GUI run (issue 12 §3): import, the history rebuilt from the vault,
generate and lock, with HOME, TMPDIR, the XDG folders and the data folder in a sandbox; then
every file there is read. None may be an image or hold pixels of an imported image, a rebuilt
history picture or a generated output (those live in the vault, encrypted, or in memory
only), nor the stored vectors. The same scan is shown to catch a rebuilt picture written to
disk."""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.model.rebuilt_history import RebuiltHistoryModel
from drc_desktop.model.session import SessionModel
from drc_desktop.ui.main_window import MainWindow
from tests.privacy_scan import image_leaks, vector_leaks, written_files
from tests.tiny_models import tiny_builtin_model, untrained_model_dir  # noqa: F401 (fixtures)
from tests.ui.flows import TIMEOUT, generated, settle, unlocked, with_profile

pytestmark = pytest.mark.usefixtures("tiny_builtin_model")
PROFILE = "Confidential-Client-Xylo"
IMPORTED = 4


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "sandbox"
    for folder in ("home", "tmp", "drc-home"):
        (root / folder).mkdir(parents=True)
    home = root / "home"
    for variable, path in {
        "HOME": home, "TMPDIR": root / "tmp", "XDG_CACHE_HOME": home / ".cache",
        "XDG_DATA_HOME": home / ".local" / "share", "XDG_CONFIG_HOME": home / ".config",
        "XDG_RUNTIME_DIR": root / "tmp", "DRC_HOME": root / "drc-home",
    }.items():  # fmt: skip
        monkeypatch.setenv(variable, str(path))
    monkeypatch.setattr(tempfile, "tempdir", str(root / "tmp"))
    return root


def originals(root: Path) -> list[Path]:
    """The designer's own images, outside the sandbox."""
    folder = root / "originals"
    folder.mkdir()
    style = stickers.sample_style(random.Random(12))
    paths = []
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:IMPORTED]):
        paths.append(folder / f"private-{index}.png")
        stickers.render(style, semantics, seed=index).save(paths[-1])
    return paths


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def gui_run(qtbot, tmp_path: Path, sources: list[Path], generate: bool) -> dict:
    """Drive the app (the data folder from DRC_HOME) and return what it showed in memory."""
    session = SessionModel()
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.show()
    try:
        with_profile(unlocked(window, qtbot), qtbot, PROFILE)
        view = window.work_view
        view.importer.start([sources[0].parent])
        qtbot.waitUntil(lambda: view.profiles.selected().history_count == IMPORTED,
                        timeout=TIMEOUT)  # fmt: skip
        view.tabs.setCurrentWidget(view.profile_tab)
        rebuilt = window.models.profile.rebuilt
        qtbot.waitUntil(lambda: len(rebuilt.images) == IMPORTED, timeout=TIMEOUT)
        shown = {"rebuilt": dict(rebuilt.images), "outputs": {}}
        needles = []

        def read_vectors() -> None:  # on the GUI thread while the engine is idle
            profile = session.vault.profiles.get(PROFILE)
            for item in session.vault.history.list(profile.id):
                for part in ("features", "style", "semantics"):
                    needles.append(getattr(item.vectors, part).astype("<f4").tobytes()[:256])

        settle(window, qtbot)
        read_vectors()
        if generate:
            view.tabs.setCurrentWidget(view.composer)
            generated(window, qtbot, tmp_path, count=2)
            shown["outputs"] = dict(view.composer.model.outputs)
        settle(window, qtbot)
        window.lock_now()
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view,
                        timeout=TIMEOUT)  # fmt: skip
        settle(window, qtbot)
    finally:
        session.shutdown()
    return {**shown, "needles": needles}


def scan(sandbox: Path, qt_settings: Path, sources: list[Path], run: dict) -> list[str]:
    pictures = {path.name: np.asarray(Image.open(path).convert("RGB")) for path in sources}
    encoded = {path.name: path.read_bytes() for path in sources}
    for kind in ("rebuilt", "outputs"):
        for key, png in run[kind].items():
            pictures[f"{kind} {key}"] = pixels(png)
            encoded[f"{kind} {key}"] = png
    files = written_files(sandbox, qt_settings)
    return image_leaks(files, pictures, encoded) + vector_leaks(files, run["needles"])


def test_a_gui_run_leaves_no_image_and_no_pixels_on_disk(
    qtbot, tmp_path, sandbox, _private_qt_settings
):
    sources = originals(tmp_path)
    run = gui_run(qtbot, tmp_path, sources, generate=True)
    assert len(run["rebuilt"]) == IMPORTED and len(run["outputs"]) == 2
    written = [str(p.relative_to(sandbox)) for p in written_files(sandbox)]
    assert written == ["drc-home/vault.db"]
    assert scan(sandbox, _private_qt_settings, sources, run) == []


def test_the_scan_catches_a_rebuilt_picture_written_to_disk(
    qtbot, tmp_path, sandbox, _private_qt_settings, monkeypatch
):
    keep = RebuiltHistoryModel._keep

    def keep_and_leak(self, generation: int, item_id: int, png: bytes) -> None:
        keep(self, generation, item_id, png)
        with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as file:
            file.write(png)  # a thumbnail cache, the kind of leak the scan is for
        (sandbox / "drc-home" / f"pixels-{item_id}.bin").write_bytes(pixels(png).tobytes())

    monkeypatch.setattr(RebuiltHistoryModel, "_keep", keep_and_leak)
    sources = originals(tmp_path)
    run = gui_run(qtbot, tmp_path, sources, generate=False)
    problems = scan(sandbox, _private_qt_settings, sources, run)
    assert any("tmp" in p and "is a PNG file" in p for p in problems), problems
    assert any("pixels-" in p and "holds pixels of rebuilt" in p for p in problems), problems
