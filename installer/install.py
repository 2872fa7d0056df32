#!/usr/bin/env python3
"""Install DRC Desktop from this offline bundle (stdlib only; no network, no admin rights).

    python3 install.py [--prefix DIR] [--no-shortcut]      install or upgrade in place
    python3 install.py --uninstall [--delete-data --yes]   remove the app (the vault stays)

Steps: verify every file against MANIFEST.json (a changed or missing file stops the install);
create a virtual environment in a per-user folder; install the wheels with pip --no-index and
the hashes of requirements.lock; copy the bundled models and register them when the vault can
be opened (DRC_PASSPHRASE set); create a desktop entry; run ``drc doctor``. Re-running
upgrades: a new environment is built beside the old one and the launchers in ``PREFIX/bin``
switch to it only when it is complete.
The data folder (the vault) is never touched, except by ``--uninstall --delete-data``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

BUNDLE = Path(__file__).resolve().parent
MANIFEST = "MANIFEST.json"
APP_NAME = "DRC Desktop"
DATA_FOLDER_NAME = "drc-desktop"
PROGRAMS = ("drc", "drc-desktop")


class InstallError(Exception):
    """Printed as one line; the install stops and changes nothing more."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(4 << 20):
            digest.update(block)
    return digest.hexdigest()


def verify_bundle(bundle: Path) -> dict:
    """Check every file of MANIFEST.json; raises InstallError naming the first problems."""
    try:
        manifest = json.loads((bundle / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise InstallError(f"{bundle / MANIFEST}: missing or unreadable ({exc})") from None
    problems = []
    for name, digest in manifest["files"].items():
        path = bundle / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif sha256_of(path) != digest:
            problems.append(f"{name} has changed")
    if problems:
        shown = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" * (len(problems) > 5))
        raise InstallError(
            f"the bundle is damaged or was modified: {shown}. Copy it again from the original"
        )
    return manifest


def check_target(manifest: dict) -> None:
    wanted = manifest["python"]
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running != wanted:
        raise InstallError(f"this bundle is for Python {wanted}; this is Python {running}")
    machine = platform.machine().lower()
    here = {
        "linux": "linux-x86_64" if machine in ("x86_64", "amd64") else f"linux-{machine}",
        "win32": "win-amd64",
        "darwin": "macos-arm64" if machine == "arm64" else f"macos-{machine}",
    }.get(sys.platform, sys.platform)
    if here != manifest["platform"]:
        raise InstallError(f"this bundle is for {manifest['platform']}; this computer is {here}")


def default_prefix() -> Path:
    """A per-user folder for the app (never the data folder that holds the vault)."""
    if os.name == "nt":
        return Path(os.environ["LOCALAPPDATA"]) / "Programs" / APP_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / f"{APP_NAME} App"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "drc-desktop-app"


def data_folder() -> Path:
    """Where the app keeps the vault (same rule as the app: DRC_HOME, else the user folder)."""
    if os.environ.get("DRC_HOME"):
        return Path(os.environ["DRC_HOME"]).expanduser()
    if os.name == "nt":
        return Path(os.environ["LOCALAPPDATA"]) / DATA_FOLDER_NAME
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / DATA_FOLDER_NAME
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / DATA_FOLDER_NAME


def venv_bin(environment: Path, program: str) -> Path:
    if os.name == "nt":
        return environment / "Scripts" / f"{program}.exe"
    return environment / "bin" / program


def install_environment(bundle: Path, prefix: Path, version: str) -> Path:
    """A new environment in ``prefix/envs/``; the launchers switch to it only once pip has
    succeeded, and older environments are removed after (virtual environments cannot be
    moved: their scripts name their interpreter's path)."""
    envs = prefix / "envs"
    envs.mkdir(parents=True, exist_ok=True)
    environment = envs / f"{version}-{time.strftime('%Y%m%d%H%M%S')}"
    shutil.rmtree(environment, ignore_errors=True)
    print(f"install: creating the environment in {environment}", flush=True)
    venv.create(environment, with_pip=True)
    command = [
        str(venv_bin(environment, "python")), "-m", "pip", "install", "--no-index",
        "--no-cache-dir", "--disable-pip-version-check", "--find-links", str(bundle / "wheels"),
        "--require-hashes", "-r", str(bundle / "requirements.lock"),
    ]  # fmt: skip
    if subprocess.run(command).returncode != 0:
        shutil.rmtree(environment, ignore_errors=True)
        raise InstallError("pip could not install the bundled wheels (see above); nothing changed")
    write_launchers(prefix, environment)
    for other in envs.iterdir():
        if other != environment:
            shutil.rmtree(other, ignore_errors=True)
    return environment


def write_launchers(prefix: Path, environment: Path) -> None:
    """``prefix/bin/drc`` and ``drc-desktop``, replaced atomically, run the current env's."""
    folder = prefix / "bin"
    folder.mkdir(exist_ok=True)
    for program in PROGRAMS:
        target = venv_bin(environment, program)
        if os.name == "nt":
            path, text = folder / f"{program}.cmd", f'@"{target}" %*\r\n'
        else:
            path, text = folder / program, f'#!/bin/sh\nexec "{target}" "$@"\n'
        partial = path.with_name(path.name + ".new")
        partial.write_text(text)
        partial.chmod(0o755)
        os.replace(partial, path)


def launcher(prefix: Path, program: str) -> Path:
    return prefix / "bin" / (f"{program}.cmd" if os.name == "nt" else program)


def install_models(bundle: Path, prefix: Path) -> None:
    listing = bundle / "models" / "models.json"
    entries = json.loads(listing.read_text()) if listing.is_file() else []
    if not entries:
        return
    target = prefix / "models"
    target.mkdir(exist_ok=True)
    for entry in entries:
        source = bundle / "models" / entry["path"]
        destination = target / entry["path"]
        if destination.is_dir():
            shutil.rmtree(destination)
        if source.is_dir():
            shutil.copytree(source, destination)
        else:
            shutil.copy2(source, destination)
    drc = str(launcher(prefix, "drc"))
    if "DRC_PASSPHRASE" not in os.environ or not (data_folder() / "vault.db").is_file():
        print("install: bundled models copied; register them after creating your vault:")
        for entry in entries:
            print(f'  drc models add "{target / entry["path"]}"')
        return
    for entry in entries:
        path = target / entry["path"]
        result = subprocess.run([drc, "models", "add", str(path)], capture_output=True, text=True)
        note = result.stdout.strip() or result.stderr.strip()
        print(f"install: {entry['name']}: {note}")


def create_shortcut(prefix: Path) -> None:
    program = launcher(prefix, "drc-desktop")
    if sys.platform.startswith("linux"):
        folder = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        entry = folder / "applications" / "drc-desktop.desktop"
        entry.parent.mkdir(parents=True, exist_ok=True)
        entry.write_text(
            "[Desktop Entry]\nType=Application\nName=DRC Desktop\n"
            "Comment=Personalized image generation, offline\n"
            f'Exec="{program}"\nTerminal=false\nCategories=Graphics;\n'
        )
        print(f"install: desktop entry {entry}")
    elif os.name == "nt":  # untested here: Start-menu shortcut through the Windows shell
        link = (Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu" / "Programs"
                / f"{APP_NAME}.lnk")  # fmt: skip
        script = (f"$s=(New-Object -ComObject WScript.Shell).CreateShortcut('{link}');"
                  f"$s.TargetPath='{program}';$s.Save()")  # fmt: skip
        subprocess.run(["powershell", "-NoProfile", "-Command", script], check=False)
        print(f"install: Start-menu shortcut {link}")
    elif sys.platform == "darwin":  # untested here: an alias in ~/Applications
        alias = Path.home() / "Applications" / APP_NAME
        alias.parent.mkdir(exist_ok=True)
        alias.unlink(missing_ok=True)
        alias.symlink_to(program)
        print(f"install: alias {alias}")


def remove_shortcut() -> None:
    candidates = [
        Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
        / "applications" / "drc-desktop.desktop",
        Path.home() / "Applications" / APP_NAME,
    ]  # fmt: skip
    if os.name == "nt":
        candidates.append(Path(os.environ["APPDATA"]) / "Microsoft" / "Windows" / "Start Menu"
                          / "Programs" / f"{APP_NAME}.lnk")  # fmt: skip
    for path in candidates:
        if path.is_symlink() or path.is_file():
            path.unlink()


def uninstall(prefix: Path, delete_data: bool, yes: bool) -> int:
    if prefix.exists():
        shutil.rmtree(prefix)
        print(f"uninstall: removed {prefix}")
    else:
        print(f"uninstall: nothing installed in {prefix}")
    remove_shortcut()
    data = data_folder()
    if not delete_data:
        if data.exists():
            print(f"uninstall: your vault and data stay in {data}")
        return 0
    print(f"WARNING: this deletes {data}: the vault, every profile and every output, for good.")
    if not yes and input("Type DELETE to confirm: ").strip() != "DELETE":
        print("uninstall: data kept")
        return 1
    shutil.rmtree(data, ignore_errors=True)
    print(f"uninstall: deleted {data}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prefix", type=Path, default=None, help="where to install the app")
    parser.add_argument("--no-shortcut", action="store_true", help="no desktop entry")
    parser.add_argument("--uninstall", action="store_true")
    parser.add_argument(
        "--delete-data", action="store_true", help="with --uninstall: the vault too"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    prefix = (args.prefix or default_prefix()).expanduser().absolute()
    if args.uninstall:
        return uninstall(prefix, args.delete_data, args.yes)
    try:
        manifest = verify_bundle(BUNDLE)
        print(f"install: bundle verified ({len(manifest['files'])} files)", flush=True)
        check_target(manifest)
        install_environment(BUNDLE, prefix, manifest["version"])
        install_models(BUNDLE, prefix)
        if not args.no_shortcut:
            create_shortcut(prefix)
    except InstallError as exc:
        print(f"install: error: {exc}", file=sys.stderr)
        return 2
    print(f"install: DRC Desktop {manifest['version']} installed; checking the setup:", flush=True)
    doctor = subprocess.run([str(launcher(prefix, "drc")), "doctor"])
    print(f"install: done. Start it with {launcher(prefix, 'drc-desktop')} "
          f"or use {launcher(prefix, 'drc')} in a terminal.")  # fmt: skip
    return 0 if doctor.returncode < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
