#!/usr/bin/env python3
"""Developer bootstrap: ``python3 installer/dev.py JOB [ARGS...]`` on any OS, stdlib only.

The first run creates ``.venv`` at the repository root and installs the project with the
exact versions of ``installer/constraints.txt``. A stamp inside ``.venv`` (a hash of
``pyproject.toml`` and the constraints) lets later runs skip the install until either file
changes. Arguments after JOB are passed on unchanged to the program the job runs.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_DIR = REPO_ROOT / ".venv"
INSTALL_INPUTS = (REPO_ROOT / "pyproject.toml", REPO_ROOT / "installer" / "constraints.txt")
STAMP_FILE = VENV_DIR / "drc-install.stamp"
# Tests never reach the network and never need a display.
TEST_ENVIRONMENT = {"HF_HUB_OFFLINE": "1", "QT_QPA_PLATFORM": "offscreen"}

JOB_HELP = {
    "demo": "run the end-to-end demo (python -m drc_desktop.demo ARGS)",
    "test": "ruff check, ruff format --check, then pytest -m 'not slow' ARGS (GUI tests apart)",
    "run": "start the desktop GUI (python -m drc_desktop.app ARGS)",
    "drc": "run the drc command line (python -m drc_desktop ARGS)",
}


def find_venv_python() -> Path:
    if os.name == "nt":
        return VENV_DIR / "Scripts" / "python.exe"
    return VENV_DIR / "bin" / "python"


def hash_install_inputs() -> str:
    digest = hashlib.sha256()
    for path in INSTALL_INPUTS:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_environment() -> Path:
    """Create ``.venv`` if needed and (re)install the project when its inputs changed."""
    python = find_venv_python()
    if not python.exists():
        print(f"==> Creating virtual environment in {VENV_DIR}", flush=True)
        venv.create(VENV_DIR, with_pip=True)
    wanted = hash_install_inputs()
    if STAMP_FILE.exists() and STAMP_FILE.read_text().strip() == wanted:
        return python
    print("==> Installing drc-desktop and its pinned dependencies (first time: a few minutes)")
    constraints = INSTALL_INPUTS[1].relative_to(REPO_ROOT)
    command = [str(python), "-m", "pip", "install", "-c", str(constraints), "-e", ".[dev]"]
    status = subprocess.run(command, cwd=REPO_ROOT).returncode
    if status != 0:
        sys.exit(f"dev.py: installation failed (pip exit status {status}); see the output above.")
    STAMP_FILE.write_text(wanted + "\n")
    return python


def run_program(command: list[str], extra_environment: dict[str, str] | None = None) -> int:
    environment = {**os.environ, **(extra_environment or {})}
    return subprocess.run(command, cwd=REPO_ROOT, env=environment).returncode


def run_demo(python: Path, args: list[str]) -> int:
    return run_program([str(python), "-m", "drc_desktop.demo", *args])


def run_tests(python: Path, args: list[str]) -> int:
    steps = [
        ("ruff check", [str(python), "-m", "ruff", "check", "."]),
        ("ruff format --check", [str(python), "-m", "ruff", "format", "--check", "."]),
        # The GUI tests run in a process of their own: in one process with the rest, a Qt
        # event loop crashed (segfault) after the SD tests' pipeline threads were left alive;
        # alone they pass (issue 12 follow-up, see the closing note of session 3).
        ("pytest", [str(python), "-m", "pytest", "-m", "not slow", "--ignore=tests/ui", *args]),
        ("pytest (GUI)", [str(python), "-m", "pytest", "-m", "not slow", "tests/ui", *args]),
    ]
    failed = []
    for title, command in steps:
        print(f"\n==> {title}", flush=True)
        if run_program(command, TEST_ENVIRONMENT) != 0:
            failed.append(title)
    if failed:
        print(f"\n==> FAILED: {', '.join(failed)}")
        return 1
    print("\n==> All checks passed")
    return 0


def run_gui(python: Path, args: list[str]) -> int:
    return run_program([str(python), "-m", "drc_desktop.app", *args])


def run_cli(python: Path, args: list[str]) -> int:
    return run_program([str(python), "-m", "drc_desktop", *args])


JOBS = {"demo": run_demo, "test": run_tests, "run": run_gui, "drc": run_cli}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python3 installer/dev.py",
        description="Set up the development environment (.venv) on first use, then run a job.",
        epilog="jobs:\n" + "\n".join(f"  {name:<6} {text}" for name, text in JOB_HELP.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("job", choices=JOBS, metavar="JOB", help="the job to run (see below)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed on to the job's program")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    python = prepare_environment()
    return JOBS[arguments.job](python, arguments.args)


if __name__ == "__main__":
    sys.exit(main())
