"""Named steps of the vault's multi-file operations, so crash tests can stop at each one.

Init, backup and restore call :func:`reached` right after every step that changes a file.
In the app ``hook`` is None and nothing happens; a crash test (``tests/store/
test_kill_at_every_step.py``, ``benchmarks/attack_vault.py``) sets it in a child process to a
function that kills the process with SIGKILL at step *k*, deterministically.
"""

from __future__ import annotations

from collections.abc import Callable

hook: Callable[[str], None] | None = None

INIT_STEPS = ("init.created", "init.keyed", "init.migrated", "init.closed", "init.placed")
BACKUP_STEPS = ("backup.exported", "backup.checked", "backup.placed", "backup.done")
RESTORE_STEPS = (
    "restore.copied",  # the checked copy of the backup is written under a staging name
    "restore.journal",  # the plan is on disk: from here on the restore is finished, not undone
    "restore.aside",  # the current vault.db moved aside...
    "restore.aside-wal",  # ...then its WAL...
    "restore.aside-shm",  # ...and its shared-memory index
    "restore.installed",  # the copy is vault.db
    "restore.checked",  # opened with the new passphrase, checked, audit entry written
    "restore.done",  # the journal is gone
)


def reached(step: str) -> None:
    if hook is not None:
        hook(step)
