"""A generated image shown large, with previous/next and export at 1x, 2x or 4x (issue 12)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.ui.dialogs import existing_folder
from drc_desktop.ui.thumbnails import pixmap

PREVIEW_SIZE = 512
EXPORT_SCALES = (1, 2, 4)


class PreviewDialog(QDialog):
    """``images``: (output id, PNG bytes). ``pixel_art``: the built-in model's stickers,
    enlarged by nearest neighbour on screen and on export; ``export(ids, folder, scale)``."""

    def __init__(
        self,
        parent: QWidget,
        images: list[tuple[int, bytes]],
        index: int,
        pixel_art: bool,
        export: Callable[[list[int], Path, int], None],
    ) -> None:
        super().__init__(parent)
        self.images = images
        self.index = index
        self.pixel_art = pixel_art
        self._export_to = export
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.position = QLabel()
        self.previous = QPushButton(self.tr("◀ Previous"))
        self.next = QPushButton(self.tr("Next ▶"))
        self.scale = QComboBox()
        for factor in EXPORT_SCALES:
            text = self.tr("Original size") if factor == 1 else self.tr("{}× larger").format(factor)
            self.scale.addItem(text, factor)
        self.export = QPushButton(self.tr("Export…"))
        close = QPushButton(self.tr("Close"))
        buttons = QHBoxLayout()
        for widget in (self.previous, self.position, self.next):
            buttons.addWidget(widget)
        buttons.addStretch()
        for widget in (self.scale, self.export, close):
            buttons.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture, 1)
        layout.addLayout(buttons)
        self.previous.clicked.connect(lambda: self.go(-1))
        self.next.clicked.connect(lambda: self.go(1))
        self.export.clicked.connect(self._export)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence(Qt.Key.Key_Left), self, lambda: self.go(-1))
        QShortcut(QKeySequence(Qt.Key.Key_Right), self, lambda: self.go(1))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._show()

    @property
    def current_id(self) -> int:
        return self.images[self.index][0]

    def go(self, step: int) -> None:
        self.index = (self.index + step) % len(self.images)
        self._show()

    def _show(self) -> None:
        png = self.images[self.index][1]
        self.picture.setPixmap(pixmap(png, PREVIEW_SIZE, smooth=not self.pixel_art))
        self.position.setText(self.tr("{} of {}").format(self.index + 1, len(self.images)))
        self.setWindowTitle(self.tr("Image {} of {}").format(self.index + 1, len(self.images)))
        several = len(self.images) > 1
        self.previous.setEnabled(several)
        self.next.setEnabled(several)

    def export_to(self, folder: Path) -> None:
        self._export_to([self.current_id], folder, int(self.scale.currentData()))

    def _export(self) -> None:
        folder = existing_folder(self, self.tr("Export to"))
        if folder:
            self.export_to(Path(folder))
