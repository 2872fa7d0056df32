"""``drc doctor``: one report a person can send to IT.

Each check gives a status (ok, warning, error) and a one-line detail: Python and OS; the torch
build and the GPU it sees; the Qt platform plugin; SQLCipher; the data folder (location,
permissions, filesystem: network and synced folders are warned about); the vault (found, and
unlockable when a passphrase is given through ``DRC_PASSPHRASE``; the doctor never prompts);
the registered models (present and matching their SHA-256 manifests); and that no check needed
the network: every socket is refused while the checks run, and any attempt is reported.

Exit status: 0 all well, 1 warnings, 2 errors.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import socket
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from enum import IntEnum
from pathlib import Path

from drc_desktop.core.errors import DrcError
from drc_desktop.core.passphrase import PASSPHRASE

SYNCED_FOLDER_NAMES = ("onedrive", "dropbox", "google drive", "googledrive", "icloud", "box sync")


class Status(IntEnum):
    ok = 0
    warning = 1
    error = 2


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str

    def to_dict(self) -> dict:
        return {**asdict(self), "status": self.status.name}


def run_checks(home: Path | None = None) -> list[Check]:
    """Every check, in report order, with the network refused throughout."""
    from drc_desktop.store.location import data_home

    home = home or data_home()
    checks: list[Check] = []
    with refused_network() as attempts:
        checks.append(check_python())
        checks.append(check_torch())
        checks.append(check_qt())
        checks.append(check_sqlcipher())
        checks.append(check_data_folder(home))
        vault_check, models_checks = check_vault_and_models(home)
        checks.append(vault_check)
        checks.extend(models_checks)
    if attempts:
        detail = f"{len(attempts)} network attempt(s) during the checks: {', '.join(attempts)}"
        checks.append(Check("network", Status.error, detail))
    else:
        checks.append(Check("network", Status.ok, "no check needed the network"))
    return checks


@contextlib.contextmanager
def refused_network() -> Iterator[list[str]]:
    """Refuse every connection and name lookup inside the block; collect what was tried."""
    attempts: list[str] = []
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo,
             socket.create_connection)  # fmt: skip

    def refuse(what: str) -> Callable:
        def refused(*args, **kwargs):
            attempts.append(what)
            raise OSError(f"drc doctor: {what} refused (no network)")

        return refused

    socket.socket.connect = refuse("connect")  # type: ignore[method-assign]
    socket.socket.connect_ex = refuse("connect")  # type: ignore[method-assign]
    socket.getaddrinfo = refuse("name lookup")  # type: ignore[assignment]
    socket.create_connection = refuse("connect")  # type: ignore[assignment]
    try:
        yield attempts
    finally:
        (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo,
         socket.create_connection) = saved  # fmt: skip


def check_python() -> Check:
    version = platform.python_version()
    detail = f"Python {version} ({sys.executable}) on {platform.platform()}"
    return Check("python", Status.ok if sys.version_info >= (3, 11) else Status.error, detail)


def check_torch() -> Check:
    try:
        import torch
    except ImportError as exc:
        return Check("torch", Status.error, f"torch cannot be imported ({exc})")
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU"
    detail = f"torch {torch.__version__} ({build} build)"
    if torch.cuda.is_available():
        properties = torch.cuda.get_device_properties(0)
        memory = properties.total_memory / 2**30
        return Check("torch", Status.ok, f"{detail}; GPU {properties.name}, {memory:.1f} GiB")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return Check("torch", Status.ok, f"{detail}; Apple GPU (MPS)")
    return Check("torch", Status.ok, f"{detail}; no GPU visible: generation runs on the CPU")


def check_qt() -> Check:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return Check("qt", Status.warning, "PySide6 is not installed: the desktop GUI cannot start")
    plugins = Path(spec.origin).parent / "Qt" / "plugins" / "platforms"
    found = sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else []
    if not found:
        return Check("qt", Status.error, f"no Qt platform plugin in {plugins}")
    return Check("qt", Status.ok, f"Qt platform plugins: {', '.join(found)}")


def check_sqlcipher() -> Check:
    try:
        from drc_desktop.store.connection import library_versions

        version, provider = library_versions()
    except ImportError as exc:
        return Check("sqlcipher", Status.error, f"sqlcipher3 cannot be imported ({exc})")
    if not version.startswith("4."):
        return Check("sqlcipher", Status.error, f"SQLCipher 4 is required, found {version!r}")
    crypto = f" ({provider})" if provider else ""
    return Check("sqlcipher", Status.ok, f"SQLCipher {version}{crypto}")


def check_data_folder(home: Path) -> Check:
    from drc_desktop.store.location import filesystem_type, is_network_filesystem

    kind = filesystem_type(home) or "unknown filesystem"
    where = f"{home} ({kind})"
    if any(name in part.lower() for part in home.parts for name in SYNCED_FOLDER_NAMES):
        return Check("data folder", Status.warning,
                     f"{where} is inside a synced folder: the vault would be copied to a cloud "
                     "service; set DRC_HOME to a local folder")  # fmt: skip
    if is_network_filesystem(home):
        detail = f"{where} is on a network filesystem; the vault needs a local disk"
        return Check("data folder", Status.warning, detail)
    if not home.exists():
        return Check("data folder", Status.ok, f"{where}: not created yet (`drc vault init`)")
    if not os.access(home, os.W_OK):
        return Check("data folder", Status.error, f"{where} is not writable")
    mode = stat.S_IMODE(home.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        return Check("data folder", Status.warning,
                     f"{where} is readable by others (mode {mode:o}); run chmod 700")  # fmt: skip
    return Check("data folder", Status.ok, f"{where}, private")


def check_vault_and_models(home: Path) -> tuple[Check, list[Check]]:
    from drc_desktop.services.models import check_files
    from drc_desktop.store.location import VAULT_FILE
    from drc_desktop.store.vault import Vault

    path = home / VAULT_FILE
    if not path.is_file():
        return Check("vault", Status.ok, f"no vault yet at {path}"), []
    passphrase = os.environ.get(PASSPHRASE)
    if passphrase is None:
        detail = f"{path} present; set {PASSPHRASE} to check that it unlocks and its models"
        return Check("vault", Status.ok, detail), []
    try:
        with Vault.unlock(home, passphrase) as vault:
            vault.verify()
            info = vault.info()
            models = vault.models.list()
            model_checks = []
            for model in models:
                try:
                    check_files(model)
                    model_checks.append(Check(f"model {model.name}", Status.ok,
                                              f"{len(model.manifest)} files match"))  # fmt: skip
                except DrcError as exc:
                    model_checks.append(Check(f"model {model.name}", Status.error, str(exc)))
    except DrcError as exc:
        return Check("vault", Status.error, str(exc)), []
    detail = (
        f"{path} unlocks and passes its integrity checks ({info.profiles} profiles, "
        f"{info.history_items} history items, {len(models)} models)"
    )
    return Check("vault", Status.ok, detail), model_checks


def exit_status(checks: list[Check]) -> int:
    return int(max((check.status for check in checks), default=Status.ok))
