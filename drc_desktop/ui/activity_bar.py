"""A progress bar bound to one :class:`~drc_desktop.model.activity.Activity`: its text
("step 7 of 20 · about 3 s left"), a moving bar while there is no estimate yet (a model
loading), and empty when the activity is idle."""

from __future__ import annotations

from PySide6.QtWidgets import QProgressBar

from drc_desktop.model.activity import Activity, ActivityProgress


class ActivityBar(QProgressBar):
    def __init__(self, activity: Activity) -> None:
        super().__init__()
        self.setTextVisible(True)
        activity.progress_changed.connect(self.show_progress)
        self.show_progress(activity.progress)

    def show_progress(self, progress: ActivityProgress) -> None:
        self.setFormat(progress.text.replace("%", "%%"))
        if progress.busy:
            self.setRange(0, 0)  # Qt's busy indication
        else:
            self.setRange(0, max(progress.total, 1))
            self.setValue(progress.done)
