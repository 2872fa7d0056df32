"""Undo for the last deletion (issue 12): the deleted rows are deleted from the vault at once
(``secure_delete`` overwrites them on disk; nothing is kept "soft deleted") and held here, in
memory only, for ``UNDO_SECONDS`` — or until another deletion, or the vault locks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from drc_desktop.model.session import SessionModel, VaultState

UNDO_SECONDS = 30


class UndoModel(QObject):
    offered = Signal(str)  # what can be undone, "" when nothing can

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.text = ""
        self._restore: Callable[[], object] | None = None
        self._on_restored: Callable[[object], None] | None = None
        self.timer = QTimer(self, singleShot=True, interval=UNDO_SECONDS * 1000)
        self.timer.timeout.connect(self.drop)
        session.state_changed.connect(self._state_changed)

    @property
    def available(self) -> bool:
        return self._restore is not None

    def offer(self, text: str, restore: Callable[[], object],
              on_restored: Callable[[object], None] | None = None) -> None:  # fmt: skip
        """``restore()`` runs on the engine thread and puts the deleted rows back (the rows
        live in its closure); ``on_restored(result)`` runs on the GUI thread after."""
        self._restore, self._on_restored, self.text = restore, on_restored, text
        self.timer.start()
        self.offered.emit(text)

    def undo(self) -> None:
        restore, on_restored = self._restore, self._on_restored
        if restore is None:
            return
        self.drop()
        self.session.change("undo delete", restore, on_restored)

    def drop(self) -> None:
        """Forget the deleted rows (they were only in memory)."""
        self._restore = self._on_restored = None
        self.text = ""
        self.timer.stop()
        self.offered.emit("")

    def _state_changed(self, state: str) -> None:
        if state != VaultState.unlocked:
            self.drop()
