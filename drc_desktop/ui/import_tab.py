"""Import: drop or choose images and folders; per-file results, progress, cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.images import IMAGE_SUFFIXES
from drc_desktop.model.activities import ImportModel
from drc_desktop.ui.dialogs import open_files
from drc_desktop.ui.profiles_panel import ProfilesPanel


class ImportTab(QWidget):
    def __init__(self, model: ImportModel, profiles: ProfilesPanel) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.setAcceptDrops(True)
        note = QLabel(
            self.tr(
                "Drop images or folders here. Only their style and content vectors are kept, "
                "encrypted; the images themselves are not."
            )
        )
        note.setWordWrap(True)
        self.add = QPushButton(self.tr("Add images…"))
        self.cancel = QPushButton(self.tr("Cancel"), enabled=False)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.results = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        self.add.clicked.connect(self._choose)
        self.cancel.clicked.connect(model.cancel)
        model.result_added.connect(self._add_result)
        model.finished.connect(self._finished)
        model.running_changed.connect(self._running)
        model.session.progress.connect(self._progress)

    def start(self, paths: list[Path]) -> None:
        profile = self.profiles.selected()
        if profile is None:
            self.model.session.message.emit(self.tr("Create or choose a profile first."))
            return
        self.results.clear()
        self.model.start(profile.name, paths)

    def _choose(self) -> None:
        pattern = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        names = open_files(self, self.tr("Add images"), self.tr("Images ({})").format(pattern))
        if names:
            self.start([Path(name) for name in names])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.start(paths)

    def _add_result(self, status: str, name: str, reason: str) -> None:
        words = {"imported": self.tr("imported"), "duplicate": self.tr("duplicate"),
                 "rejected": self.tr("rejected"), "skipped": self.tr("skipped")}  # fmt: skip
        self.results.addItem(
            f"{words.get(status, status)}: {name}" + (f" — {reason}" * bool(reason))
        )

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.status.setText(text)

    def _running(self, running: bool) -> None:
        self.add.setEnabled(not running)
        self.cancel.setEnabled(running)
        if not running:
            self.progress.setValue(self.progress.maximum())

    def _finished(self, counts: dict) -> None:
        parts = [self.tr("{} {}").format(count, self.tr(status)) for status, count in
                 sorted(counts.items())]  # fmt: skip
        self.status.setText(self.tr("Done: {}").format(", ".join(parts)))
