"""Which processes have the vault open: one marker file per process in ``sessions/``.

A marker is named by the process id and holds the process's start time, so a marker whose
PID now belongs to another process (the PID was reused after a crash) is recognised as
stale (issue 13 §4). Where the start time cannot be read (an older marker, a platform without
``/proc``) a marker counts as live while its PID is.
"""

from __future__ import annotations

import os
from pathlib import Path

from drc_desktop.core.errors import VaultError
from drc_desktop.store.location import make_private_folder

SESSIONS_FOLDER = "sessions"


def open_session(home: Path) -> Path:
    """Write this process's marker (owner-only) and return its path."""
    folder = home / SESSIONS_FOLDER
    make_private_folder(folder)
    marker = folder / str(os.getpid())
    descriptor = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(process_start_time(os.getpid()) or "")
    return marker


def session_markers(home: Path) -> list[Path]:
    folder = home / SESSIONS_FOLDER
    if not folder.is_dir():
        return []
    return sorted(marker for marker in folder.iterdir() if marker.name.isdigit())


def is_live(marker: Path) -> bool:
    """Whether the process that wrote ``marker`` is still running (not a reused PID)."""
    pid = int(marker.name)
    if not process_alive(pid):
        return False
    try:
        recorded = marker.read_text().strip()
    except (OSError, UnicodeDecodeError):
        recorded = ""
    current = process_start_time(pid)
    return not recorded or current is None or recorded == current


def stale_sessions(home: Path) -> list[Path]:
    return [marker for marker in session_markers(home) if not is_live(marker)]


def refuse_live_sessions(home: Path, action: str, *, own: Path | None = None) -> None:
    """Raise :class:`VaultError` naming the marker of a live process other than ``own``."""
    for marker in session_markers(home):
        if marker != own and is_live(marker):
            raise VaultError(
                f"cannot {action} while DRC Desktop process {marker.name} has the vault open "
                f"(its marker is {marker}); close that window or command first. If no DRC "
                "Desktop is running, the marker is left from a crash: delete it and try again"
            )


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def process_start_time(pid: int) -> str | None:
    """When process ``pid`` started, as an opaque token (Linux: clock ticks since boot, with
    the boot id), or None where it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None
    # the command name (field 2) is in parentheses and may hold spaces: split after it
    fields = stat[stat.rindex(")") + 2 :].split()
    return f"{boot}:{fields[19]}"  # field 22 of the whole line: starttime
