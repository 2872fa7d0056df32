#!/usr/bin/env python3
"""Build an offline install bundle of DRC Desktop (run on a connected machine; stdlib only).

    python3 installer/bundle.py --out DIR [--platform linux-x86_64|win-amd64|macos-arm64]
        [--python 3.11] [--extra-wheel PATH...] [--models PATH...]

DIR receives:

    wheels/            the project's wheel and every dependency, binary wheels for the target
                       platform at the versions of installer/constraints.txt
    requirements.lock  every wheel as ``name==version --hash=sha256:...`` (pip --require-hashes)
    models/            --models files and folders (safetensors only) and models.json (SHA-256)
    install.py         the installer (plus install.sh / install.ps1 wrappers that find Python)
    MANIFEST.json      the SHA-256 of every other file in the bundle

``--extra-wheel`` adds wheels obtained separately and replaces the downloaded wheel of the same
project (for example a CUDA build of torch for Windows, from https://download.pytorch.org/whl/
on a connected machine: PyPI's Windows torch is CPU-only). The built-in model travels inside
the project's wheel.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = REPO_ROOT / "installer" / "constraints.txt"
INSTALLER_FILES = ("install.py", "install.sh", "install.ps1")
PLATFORMS = {
    # glibc 2.34 and newer (Ubuntu 22.04+, Debian 12+, RHEL 9+): PySide6 6.12's minimum
    "linux-x86_64": ["manylinux_2_34_x86_64", "manylinux_2_31_x86_64", "manylinux_2_28_x86_64",
                     "manylinux_2_27_x86_64", "manylinux_2_24_x86_64", "manylinux_2_17_x86_64",
                     "manylinux2014_x86_64", "linux_x86_64"],
    "win-amd64": ["win_amd64"],
    "macos-arm64": ["macosx_14_0_arm64", "macosx_13_0_arm64", "macosx_12_0_arm64",
                    "macosx_11_0_arm64"],
}  # fmt: skip
PICKLE_SUFFIXES = {".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle"}
MANIFEST = "MANIFEST.json"
CHUNK = 4 << 20


class BundleError(Exception):
    """A problem the person building the bundle can fix; printed as one line."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def wheel_name_and_version(path: Path) -> tuple[str, str]:
    """``torch-2.13.0+cpu-cp311-...whl`` -> (``torch``, ``2.13.0+cpu``), name normalised."""
    parts = path.name.split("-")
    if not path.name.endswith(".whl") or len(parts) < 5:
        raise BundleError(f"{path}: not a wheel file name")
    return re.sub(r"[-_.]+", "-", parts[0]).lower(), parts[1]


def build_project_wheel(wheels: Path) -> Path:
    """The project's own wheel (with the built-in model inside), built from the repository."""
    before = set(wheels.glob("drc_desktop-*.whl"))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
               str(REPO_ROOT)]  # fmt: skip
    if subprocess.run(command).returncode != 0:
        raise BundleError("building the project's wheel failed (see pip's output above)")
    built = sorted(set(wheels.glob("drc_desktop-*.whl")) - before) or sorted(before)
    return built[-1]


def download_dependencies(wheels: Path, project: Path, platform: str, python: str) -> None:
    """Binary wheels of every dependency for the target, pinned by the constraints file."""
    command = [
        sys.executable, "-m", "pip", "download", "-q", "--dest", str(wheels),
        "--only-binary=:all:", "--python-version", python, "--implementation", "cp",
        "-c", str(CONSTRAINTS), str(project),
    ]  # fmt: skip
    for tag in PLATFORMS[platform]:
        command += ["--platform", tag]
    if subprocess.run(command).returncode != 0:
        raise BundleError(
            f"downloading the dependencies for {platform}, Python {python} failed (see pip's "
            "output above); a wheel missing for that platform can be given with --extra-wheel"
        )


def add_extra_wheels(wheels: Path, extra: list[Path]) -> None:
    for path in extra:
        if not path.is_file():
            raise BundleError(f"{path}: no such wheel")
        name, _ = wheel_name_and_version(path)
        for existing in wheels.glob("*.whl"):
            if wheel_name_and_version(existing)[0] == name:
                existing.unlink()
        shutil.copy2(path, wheels / path.name)


def write_lock(wheels: Path, lock: Path) -> None:
    lines = []
    for path in sorted(wheels.glob("*.whl")):
        name, version = wheel_name_and_version(path)
        lines.append(f"{name}=={version} --hash=sha256:{sha256_of(path)}")
    names = [line.split("==")[0] for line in lines]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise BundleError(f"two wheels of {', '.join(duplicates)} in the bundle")
    lock.write_text("\n".join(lines) + "\n")


def add_models(models_dir: Path, sources: list[Path]) -> None:
    """Copy model files/folders (safetensors only) and record their SHA-256 in models.json."""
    entries = []
    for source in sources:
        source = source.expanduser()
        if not source.exists():
            raise BundleError(f"{source}: no such file or folder")
        files = (
            [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        )
        for file in files:
            if file.suffix.lower() in PICKLE_SUFFIXES:
                raise BundleError(
                    f"{file}: pickle files ({file.suffix}) can run code when loaded; bundle the "
                    ".safetensors version"
                )
        target = models_dir / source.name
        if target.exists():
            raise BundleError(f"{source}: two models named {source.name}")
        if source.is_file():
            shutil.copy2(source, target)
        else:
            shutil.copytree(source, target)
        copied = (
            [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
        )
        entries.append({
            "name": source.name if source.is_dir() else source.stem,
            "path": source.name,
            "sha256": {str(p.relative_to(models_dir)): sha256_of(p) for p in copied},
        })  # fmt: skip
    (models_dir / "models.json").write_text(json.dumps(entries, indent=2) + "\n")


def _files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())


def write_manifest(bundle: Path, details: dict) -> dict:
    files = {
        str(p.relative_to(bundle).as_posix()): sha256_of(p)
        for p in sorted(bundle.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = {**details, "files": files}
    (bundle / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def build(out: Path, platform: str, python: str, extra: list[Path], models: list[Path]) -> dict:
    if out.exists() and any(out.iterdir()):
        raise BundleError(f"{out}: exists and is not empty; choose a new folder")
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as temporary:
        project = build_project_wheel(Path(temporary))
        shutil.copy2(project, wheels / project.name)
    download_dependencies(wheels, wheels / project.name, platform, python)
    add_extra_wheels(wheels, extra)
    write_lock(wheels, out / "requirements.lock")
    models_dir = out / "models"
    models_dir.mkdir()
    add_models(models_dir, models)
    for name in INSTALLER_FILES:
        shutil.copy2(REPO_ROOT / "installer" / name, out / name)
    version = wheel_name_and_version(project)[1]
    created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    details = {"project": "drc-desktop", "version": version, "platform": platform,
               "python": python, "created": created}  # fmt: skip
    return write_manifest(out, details)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default="linux-x86_64")
    parser.add_argument("--python", default="3.11", help="target Python version (default 3.11)")
    parser.add_argument("--extra-wheel", type=Path, nargs="*", default=[], metavar="PATH")
    parser.add_argument("--models", type=Path, nargs="*", default=[], metavar="PATH")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.out, args.platform, args.python, args.extra_wheel, args.models)
    except BundleError as exc:
        print(f"bundle: error: {exc}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"bundle: {args.out} ({len(manifest['files'])} files, {size / 2**20:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
