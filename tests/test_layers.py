"""The layer rules of DESIGN.md §5, checked by reading every import in drc_desktop/.

Imports are found with ``ast`` anywhere in a module (top level and inside functions), so a
lazy ``import torch`` in core/ is caught as well.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_ROOT / "drc_desktop"

QT_FREE_LAYERS = {"core", "ml", "store", "services", "cli", "doctor", "demo"}
QTCORE_ONLY_LAYERS = {"engine", "model"}
ML_LIBRARIES = {"torch", "diffusers", "transformers"}
# core/ is pure: importing a sibling layer would drag in torch, Qt or SQL.
LAYERS_ABOVE_CORE = {"ml", "store", "services", "engine", "model", "ui", "cli", "app"}
# The drc_desktop layers each layer may import (besides itself); layers not named here may
# import any, within the rules below.
ALLOWED_SIBLINGS = {
    "core": set(),
    "ml": {"core"},  # torch code never reaches the vault
    "store": {"core"},  # SQLCipher code never reaches torch
    "services": {"core", "ml", "store"},
    "engine": {"core"},
}
# services/ is the only layer that joins the vault and the models (issue 11 §1): no module
# elsewhere imports both, and the GUI's layers reach the models only through services/.
JOINED = {"ml", "store"}
NO_ML_LAYERS = {"engine", "model", "ui"}


def layer_of(relative_path: Path) -> str:
    """The layer of a module, from its path inside drc_desktop/ (``core/x.py`` -> ``core``)."""
    return relative_path.parts[0] if len(relative_path.parts) > 1 else relative_path.stem


def imported_modules(source: str, relative_path: Path) -> list[tuple[int, str]]:
    """Every module a source imports, as ``(line, dotted name)``, relative imports resolved.

    ``from a import b`` yields ``a.b`` so that ``from PySide6 import QtWidgets`` is seen.
    """
    package = ["drc_desktop", *relative_path.parent.parts]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            stem = ".".join([*base, *([node.module] if node.module else [])])
            found += [(node.lineno, f"{stem}.{alias.name}") for alias in node.names]
    return found


def explain_violation(layer: str, module: str) -> str | None:
    """Why ``layer`` may not import ``module``, or None when the import is allowed."""
    parts = module.split(".")
    if parts[0] == "PySide6":
        qt_module = parts[1] if len(parts) > 1 else ""
        if layer in QT_FREE_LAYERS:
            return f"{layer} must not import Qt"
        if layer in QTCORE_ONLY_LAYERS and qt_module != "QtCore":
            return f"{layer}/ may import only PySide6.QtCore"
        if qt_module == "QtWidgets" and layer != "ui":
            return "only ui/ may import QtWidgets"
    if parts[0] == "sqlcipher3" and layer != "store":
        return "only store/ may import sqlcipher3"
    if layer == "core" and parts[0] in ML_LIBRARIES:
        return "core/ must not import ML libraries"
    sibling = sibling_layer(module)
    if layer == "core" and sibling in LAYERS_ABOVE_CORE:
        return f"core/ must not import drc_desktop.{sibling}"
    allowed = ALLOWED_SIBLINGS.get(layer)
    if sibling and sibling != layer and allowed is not None and sibling not in allowed:
        names = ", ".join(f"{name}/" for name in sorted(allowed))
        return f"{layer}/ may import only {names or 'nothing of drc_desktop'}"
    if sibling == "ml" and layer in NO_ML_LAYERS:
        return f"{layer}/ reaches the models through services/ only"
    return None


def _reaches_a_backend(module: str) -> bool:
    parts = module.split(".")
    return parts[:2] == ["drc_desktop", "ml"] and len(parts) > 2 and parts[2] != "drc"


def sibling_layer(module: str) -> str:
    """``drc_desktop.store.vault`` -> ``store``; "" for modules outside the package."""
    parts = module.split(".")
    return parts[1] if parts[0] == "drc_desktop" and len(parts) > 1 else ""


def find_violations(source: str, relative_path: Path) -> list[str]:
    layer = layer_of(relative_path)
    where = f"drc_desktop/{relative_path.as_posix()}"
    violations = []
    imports = imported_modules(source, relative_path)
    for line, module in imports:
        reason = explain_violation(layer, module)
        if reason:
            violations.append(f"{where}:{line}: {module}: {reason}")
        if relative_path.parts[:2] == ("ml", "drc") and _reaches_a_backend(module):
            violations.append(
                f"{where}:{line}: {module}: the DRC method (ml/drc/) serves every backend and "
                "imports none of them"
            )
    joined = {sibling_layer(module) for _, module in imports} & JOINED
    if layer != "services" and joined == JOINED:
        violations.append(f"{where}: imports both ml/ and store/: only services/ joins them")
    return violations


def package_modules() -> list[Path]:
    return sorted(path.relative_to(PACKAGE_DIR) for path in PACKAGE_DIR.rglob("*.py"))


def test_package_follows_layer_rules():
    modules = package_modules()
    assert Path("core/stickers.py") in modules  # the scan really looks at the package
    assert any(path.parts[0] == "services" for path in modules)
    violations = []
    for relative_path in modules:
        source = (PACKAGE_DIR / relative_path).read_text(encoding="utf-8")
        violations += find_violations(source, relative_path)
    assert violations == []


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("core/vectors.py", "def f():\n    import torch\n"),
        ("core/vectors.py", "from ..ml import backends\n"),
        ("core/vectors.py", "from transformers import CLIPModel\n"),
        ("ml/drc/fusion.py", "from PySide6.QtCore import QObject\n"),
        ("ml/drc/fusion.py", "import sqlcipher3\n"),
        ("store/vault.py", "from PySide6 import QtCore\n"),
        ("engine/worker.py", "from PySide6.QtGui import QImage\n"),
        ("model/composer.py", "from PySide6 import QtWidgets\n"),
        ("cli.py", "from PySide6.QtCore import QCoreApplication\n"),
        ("app.py", "from PySide6.QtWidgets import QApplication\n"),
        ("ml/backends.py", "from drc_desktop.store.vault import Vault\n"),
        ("ml/sd/pipeline.py", "def f():\n    from ...store import records\n"),
        ("ml/drc/fusion.py", "from drc_desktop.services import generation\n"),
        ("ml/drc/fusion.py", "from drc_desktop.ml.builtin.encoder import StickerEncoder\n"),
        ("ml/drc/guidance.py", "from ..sd import pipeline\n"),
        ("store/vault.py", "from drc_desktop.ml.weights import sha256_of\n"),
        ("store/outputs.py", "from ..services.generation import GenerationStep\n"),
        ("services/generation.py", "from PySide6.QtCore import QObject\n"),
        ("services/generation.py", "from drc_desktop.model.session import SessionModel\n"),
        ("engine/worker.py", "from drc_desktop.store.vault import Vault\n"),
        (
            "model/library.py",
            "def f():\n    from drc_desktop.ml.builtin.drc_mini import MiniModel\n",
        ),
        ("ui/compose_tab.py", "from drc_desktop.ml import backends\n"),
        (
            "cli/outputs.py",
            "from drc_desktop.ml import backends\nfrom drc_desktop.store import exports\n",
        ),
        ("demo.py", "import drc_desktop.ml.devices\nimport drc_desktop.store.vault\n"),
    ],
)
def test_checker_reports_forbidden_import(path, source):
    assert len(find_violations(source, Path(path))) == 1


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("core/vectors.py", "import numpy\nfrom . import errors\nfrom PIL import Image\n"),
        ("ml/drc/fusion.py", "import torch\nfrom ...core.stickers import StickerStyle\n"),
        ("ml/drc/guidance.py", "from .fusion import LatentInstruction\n"),
        ("ml/builtin/generator.py", "from drc_desktop.ml.drc.guidance import compose_guidance\n"),
        ("store/vault.py", "import sqlcipher3\n"),
        ("engine/worker.py", "from PySide6.QtCore import QObject, Signal\n"),
        ("model/composer.py", "from PySide6 import QtCore\n"),
        ("ui/main_window.py", "from PySide6.QtWidgets import QMainWindow\nimport PySide6.QtGui\n"),
        ("ml/backends.py", "from drc_desktop.core.registrations import RegisteredModel\n"),
        ("store/records.py", "from ..core.requests import GenerationRequest\n"),
        (
            "services/generation.py",
            "import torch\nfrom drc_desktop.ml import backends\n"
            "from drc_desktop.store import vault\n",
        ),
        ("cli/standalone.py", "from drc_desktop.ml.devices import resolve_device\n"),
        (
            "cli/outputs.py",
            "from drc_desktop.services import generation\nfrom ..store import exports\n",
        ),
        ("model/library.py", "from drc_desktop.services.generation import style_preview\n"),
    ],
)
def test_checker_allows_permitted_import(path, source):
    assert find_violations(source, Path(path)) == []


@pytest.mark.parametrize("module", ["drc_desktop.core.stickers", "drc_desktop.cli"])
def test_module_imports_without_torch_or_qt(module):
    """The CLI and the sticker world answer quickly: importing them loads neither torch nor Qt."""
    check = (
        f"import sys, {module}\n"
        "loaded = sorted({'torch', 'PySide6'} & set(sys.modules))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
