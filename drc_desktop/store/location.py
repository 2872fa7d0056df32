"""Where DRC Desktop keeps its data, and whether that place is safe for the vault.

``DRC_HOME`` wins when set (scripts, tests, portable installs); otherwise the platform's user
data folder from platformdirs (``~/.local/share/drc-desktop`` on Linux,
``%LOCALAPPDATA%\\drc-desktop`` on Windows, ``~/Library/Application Support/drc-desktop`` on
macOS). Folders are created readable by the owner only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "drc-desktop"
HOME_VARIABLE = "DRC_HOME"
VAULT_FILE = "vault.db"

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "9p", "ceph",
        "glusterfs", "lustre", "gpfs", "davfs", "fuse.sshfs", "sshfs", "fuse.rclone",
        "fuse.s3fs", "fuse.gcsfuse", "fuse.glusterfs", "fuse.cephfs", "webdav",
    }
)  # fmt: skip
"""Filesystem types on which SQLite's WAL (shared memory between processes) is unsafe."""


def data_home() -> Path:
    """The data folder: ``$DRC_HOME`` or the platform's per-user data folder (not created)."""
    configured = os.environ.get(HOME_VARIABLE)
    if configured:
        return Path(configured).expanduser().absolute()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def make_private_folder(folder: Path) -> None:
    """Create ``folder`` and its missing parents, each owner-only where the OS has modes.

    A folder that already exists is left as it is: its permissions are the user's choice
    (issue 13 §2: ``vault init`` used to chmod an existing ``DRC_HOME``).

    Raises:
        OSError: a folder cannot be created (a file is in the way, no permission...).
    """
    missing = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs
        if os.name == "posix":
            os.chmod(created, 0o700)  # mkdir's mode is reduced by the umask


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path`` (``"ext4"``, ``"nfs"``, ``"remote"``...),
    or None when it cannot be told on this platform."""
    path = path.absolute()
    if sys.platform.startswith("linux"):
        return _linux_filesystem_type(path)
    if os.name == "nt":
        return _windows_drive_type(path)
    return None


def is_network_filesystem(path: Path) -> bool:
    kind = filesystem_type(path)
    return kind is not None and (kind in NETWORK_FILESYSTEMS or kind == "remote")


def _linux_filesystem_type(path: Path) -> str | None:
    try:
        mounts = Path("/proc/self/mounts").read_text().splitlines()
    except OSError:
        return None
    best, kind = "", None
    target = str(_existing_ancestor(path).resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, kind = mount_point, parts[2]
    return kind


def _windows_drive_type(path: Path) -> str | None:
    text = str(path)
    if text.startswith("\\\\"):  # UNC path: \\server\share
        return "remote"
    import ctypes

    drive_remote = 4
    kind = ctypes.windll.kernel32.GetDriveTypeW(path.anchor)  # type: ignore[attr-defined]
    return "remote" if kind == drive_remote else "local"


def _existing_ancestor(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path
