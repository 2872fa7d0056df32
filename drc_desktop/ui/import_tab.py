"""Import: drop or choose images and folders; per-file results, progress, cancel.

The tab names the profile that receives the files, and shows that profile's import log only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.images import IMAGE_SUFFIXES
from drc_desktop.model.activities import ImportModel
from drc_desktop.model.reasons import translate_reason
from drc_desktop.ui.activity_bar import ActivityBar
from drc_desktop.ui.dialogs import open_files
from drc_desktop.ui.profiles_panel import ProfilesPanel


class ImportTab(QWidget):
    def __init__(self, model: ImportModel, profiles: ProfilesPanel) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.setAcceptDrops(True)
        self.target = QLabel()
        self.target.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Drop images or folders here. Only their style and content vectors are kept, "
                "encrypted; the images themselves are not."
            )
        )
        note.setWordWrap(True)
        self.add = QPushButton(self.tr("Add images…"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.progress = ActivityBar(model.activity)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.target)
        layout.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results, 1)
        self.add.clicked.connect(self._choose)
        self.cancel.clicked.connect(model.cancel)
        model.result_added.connect(self._add_result)
        model.finished.connect(self._finished)
        model.log_cleared.connect(self._log_cleared)
        model.activity.running_changed.connect(self._running)
        model.activity.failed.connect(self.status.setText)
        profiles.list.currentItemChanged.connect(self._profile_changed)
        for row in model.rows:
            self._add_result(*row)
        if model.counts is not None:
            self._finished(model.counts)
        self._running(model.activity.running)  # names the target too

    def _profile_changed(self, *_) -> None:
        profile = self.profiles.selected()
        self.model.show_profile(None if profile is None else profile.name)
        self._show_target()

    def _show_target(self) -> None:
        name = self.model.profile_name if self.model.activity.running else None
        profile = self.profiles.selected()
        name = name or (profile.name if profile is not None else None)
        if name is None:
            self.target.setText(self.tr("Create or choose a profile first."))
        else:
            self.target.setText(self.tr("Images go into the profile “{}”.").format(name))
        self.add.setEnabled(name is not None and not self.model.activity.running)

    def start(self, paths: list[Path]) -> None:
        profile = self.profiles.selected()
        if profile is None:
            self.status.setText(self.tr("Create or choose a profile first."))
            return
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

    def _status_word(self, status: str) -> str:
        words = {"imported": self.tr("imported"), "duplicate": self.tr("duplicate"),
                 "rejected": self.tr("rejected"), "skipped": self.tr("skipped")}  # fmt: skip
        return words.get(status, status)

    def _add_result(self, status: str, name: str, reason: str) -> None:
        text = f"{self._status_word(status)}: {name}"
        if reason:
            text += f" — {translate_reason(reason)}"
        self.results.addItem(text)

    def _log_cleared(self) -> None:
        self.results.clear()
        self.status.clear()

    def _running(self, running: bool) -> None:
        self.cancel.setEnabled(running)
        self._show_target()

    def _finished(self, counts: dict) -> None:
        parts = [self.tr("{} {}").format(count, self._status_word(status))
                 for status, count in sorted(counts.items())]  # fmt: skip
        text = self.tr("Done: {}").format(", ".join(parts))
        duplicates = counts.get("duplicate", 0)
        if not counts.get("imported") and duplicates:
            text += "\n" + self.tr(
                "Nothing was added: {} image(s) are already in this profile (the same "
                "pixels were imported before)."
            ).format(duplicates)
        self.status.setText(text)
