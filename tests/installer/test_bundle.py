"""The offline bundle and its installer, with tiny stand-in wheels (no real downloads).

``installer/test_bundle.sh`` does the same with the real wheels (not in CI: it copies them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "installer" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bundle = load("bundle")
installer = load("install")


def make_wheel(folder: Path, name: str, version: str, script: str | None = None) -> Path:
    """A minimal pure-Python wheel; ``script`` adds a console script running ``name:main``."""
    info = f"{name}-{version}.dist-info"
    path = folder / f"{name}-{version}-py3-none-any.whl"
    files = {
        f"{name}/__init__.py": "import sys\n\ndef main():\n    print('stand-in', sys.argv[1:])\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    if script:
        files[f"{info}/entry_points.txt"] = f"[console_scripts]\n{script} = {name}:main\n"
    files[f"{info}/RECORD"] = "".join(f"{n},,\n" for n in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in files.items():
            archive.writestr(member, text)
    return path


def make_bundle(root: Path, version: str = "1.0") -> Path:
    """A bundle of two stand-in wheels (one provides `drc` and `drc-desktop`)."""
    out = root / f"bundle-{version}"
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    make_wheel(wheels, "standin_app", version)
    make_wheel(wheels, "standin_drc", version, script="drc")
    bundle.write_lock(wheels, out / "requirements.lock")
    (out / "models").mkdir()
    model = root / "model-source"
    model.mkdir(exist_ok=True)
    (model / "weights.safetensors").write_bytes(b"not really weights")
    if not (out / "models" / "models.json").exists():
        bundle.add_models(out / "models", [model])
    for name in bundle.INSTALLER_FILES:
        shutil.copy2(REPO_ROOT / "installer" / name, out / name)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    platform_name = {"linux": "linux-x86_64", "win32": "win-amd64", "darwin": "macos-arm64"}
    bundle.write_manifest(out, {"project": "drc-desktop", "version": version,
                                "platform": platform_name.get(sys.platform, sys.platform),
                                "python": python})  # fmt: skip
    return out


def run_install(out: Path, *args: str, home: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "share"),
                   "DRC_HOME": str(home / "drc-data"), "PIP_NO_INDEX": "1"}  # fmt: skip
    environment.pop("DRC_PASSPHRASE", None)
    return subprocess.run([sys.executable, str(out / "install.py"), *args], env=environment,
                          capture_output=True, text=True, timeout=600)  # fmt: skip


def test_lock_pins_every_wheel_with_its_hash(tmp_path):
    wheel = make_wheel(tmp_path, "standin_app", "2.0")
    bundle.write_lock(tmp_path, tmp_path / "lock.txt")
    (line,) = (tmp_path / "lock.txt").read_text().splitlines()
    assert line == f"standin-app==2.0 --hash=sha256:{bundle.sha256_of(wheel)}"


def test_extra_wheel_replaces_the_downloaded_build_of_that_project(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    make_wheel(wheels, "torch", "2.13.0")
    extra = tmp_path / "extra"
    extra.mkdir()
    cuda = make_wheel(extra, "torch", "2.13.0+cu128")
    bundle.add_extra_wheels(wheels, [cuda])
    assert [p.name for p in wheels.iterdir()] == [cuda.name]


def test_models_are_copied_with_hashes_and_pickles_refused(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    source = tmp_path / "ip-adapter.safetensors"
    source.write_bytes(b"weights")
    bundle.add_models(folder, [source])
    (entry,) = json.loads((folder / "models.json").read_text())
    assert entry["sha256"] == {"ip-adapter.safetensors": bundle.sha256_of(source)}
    pickle = tmp_path / "model.ckpt"
    pickle.write_bytes(b"\x80")
    with pytest.raises(bundle.BundleError, match="pickle"):
        bundle.add_models(tmp_path / "models-2", [pickle])


def test_install_upgrade_and_uninstall_leave_the_vault_alone(tmp_path):
    home = tmp_path / "home"
    data = home / "drc-data"
    data.mkdir(parents=True)
    (data / "vault.db").write_bytes(b"the user's vault")
    prefix = tmp_path / "app"
    first = run_install(make_bundle(tmp_path, "1.0"), "--prefix", str(prefix), home=home)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "bundle verified" in first.stdout and "stand-in ['doctor']" in first.stdout
    assert (prefix / "models" / "model-source" / "weights.safetensors").is_file()
    assert "drc models add" in first.stdout  # no passphrase: told how to register the models
    entry = home / "share" / "applications" / "drc-desktop.desktop"
    assert entry.is_file() and str(prefix) in entry.read_text()

    second = run_install(make_bundle(tmp_path, "1.1"), "--prefix", str(prefix), home=home)
    assert second.returncode == 0, second.stderr
    (environment,) = (prefix / "envs").iterdir()  # the old one is gone
    assert environment.name.startswith("1.1-")
    assert list(environment.rglob("standin_app-1.1.dist-info"))
    assert str(environment) in (prefix / "bin" / "drc").read_text()

    removed = run_install(make_bundle(tmp_path, "1.2"), "--uninstall", "--prefix", str(prefix),
                          home=home)  # fmt: skip
    assert removed.returncode == 0 and not prefix.exists() and not entry.exists()
    assert (data / "vault.db").read_bytes() == b"the user's vault"
    assert "your vault and data stay" in removed.stdout
    deleted = run_install(make_bundle(tmp_path, "1.3"), "--uninstall", "--delete-data", "--yes",
                          "--prefix", str(prefix), home=home)  # fmt: skip
    assert deleted.returncode == 0 and not data.exists()


@pytest.mark.parametrize("damage", ["change", "remove"])
def test_a_changed_or_missing_file_stops_the_install(tmp_path, damage):
    out = make_bundle(tmp_path)
    wheel = next((out / "wheels").glob("standin_app-*.whl"))
    if damage == "change":
        wheel.write_bytes(wheel.read_bytes() + b"\0")
    else:
        wheel.unlink()
    prefix = tmp_path / "app"
    result = run_install(out, "--prefix", str(prefix), home=tmp_path / "home")
    assert result.returncode == 2
    expected = "has changed" if damage == "change" else "is missing"
    assert f"wheels/{wheel.name} {expected}" in result.stderr
    assert not prefix.exists()


def test_pip_refuses_a_wheel_whose_hash_is_not_the_locked_one(tmp_path):
    out = make_bundle(tmp_path)
    lock = out / "requirements.lock"
    lock.write_text(lock.read_text().replace("--hash=sha256:", "--hash=sha256:0", 1)[:-2] + "\n")
    bundle.write_manifest(out, json.loads((out / "MANIFEST.json").read_text()))
    prefix = tmp_path / "app"
    result = run_install(out, "--prefix", str(prefix), home=tmp_path / "home")
    assert result.returncode == 2
    assert "pip could not install" in result.stderr
    assert not (prefix / "envs").exists() or not any((prefix / "envs").iterdir())


def test_bundle_for_another_python_is_refused(tmp_path):
    out = make_bundle(tmp_path)
    manifest = json.loads((out / "MANIFEST.json").read_text())
    manifest["python"] = "3.9"
    (out / "MANIFEST.json").write_text(json.dumps(manifest))
    result = run_install(out, "--prefix", str(tmp_path / "app"), home=tmp_path / "home")
    assert result.returncode == 2 and "for Python 3.9" in result.stderr
