"""Pictures from PNG bytes, and a grid of thumbnails that scrolls inside its tab (issue 12: 16
results made the window 2,345 px wide): a click opens the picture large, a box selects it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QWidget,
)


def pixmap(png: bytes, size: int, smooth: bool = False) -> QPixmap:
    """``png`` scaled to fit ``size`` x ``size``; nearest neighbour unless ``smooth`` (the
    built-in model's stickers are small pixel images that blur when smoothed)."""
    mode = (
        Qt.TransformationMode.SmoothTransformation
        if smooth
        else Qt.TransformationMode.FastTransformation
    )
    return QPixmap.fromImage(QImage.fromData(png)).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio, mode
    )


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class ThumbnailGrid(QScrollArea):
    """``columns`` thumbnails a row, each with a "Select" box; scrolls vertically."""

    opened = Signal(int)  # index of the clicked picture

    def __init__(self, size: int, columns: int) -> None:
        super().__init__()
        self.size = size
        self.columns = columns
        self.checks: list[tuple[int, QCheckBox]] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        inner = QWidget()
        self.grid = QGridLayout(inner)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(inner)
        self.setMinimumHeight(size + 48)

    def sizeHint(self) -> QSize:
        # what fits ``columns`` pictures; never the whole content (the window keeps its size)
        return QSize(self.columns * (self.size + 16) + 24, self.size + 48)

    def show_items(self, items: list[tuple[int, bytes, str]]) -> None:
        """``items``: (id, PNG bytes, tooltip)."""
        clear_layout(self.grid)
        self.checks = []
        for index, (item_id, png, tip) in enumerate(items):
            picture = QToolButton()
            picture.setAutoRaise(True)
            picture.setIcon(pixmap(png, self.size))
            picture.setIconSize(QSize(self.size, self.size))
            picture.setToolTip(tip)
            picture.clicked.connect(lambda _=False, i=index: self.opened.emit(i))
            check = QCheckBox(self.tr("Select"))
            self.checks.append((item_id, check))
            row, column = divmod(index, self.columns)
            self.grid.addWidget(picture, 2 * row, column)
            self.grid.addWidget(check, 2 * row + 1, column)

    def selected(self) -> list[int]:
        return [item_id for item_id, check in self.checks if check.isChecked()]
