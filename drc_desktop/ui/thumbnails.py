"""Pictures from PNG bytes, and a grid of thumbnails that scrolls inside its tab (issue 12: 16
results made the window 2,345 px wide): a click opens the picture large, a box selects it.
Sets of assets show as groups of rows, one row per reference."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
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
            item.widget().hide()  # not drawn over the new rows until it is deleted
            item.widget().deleteLater()


@dataclass(frozen=True)
class ThumbnailRow:
    """One row of a group: a label (and an optional small picture) left of its thumbnails
    ``items`` (id, PNG bytes, tooltip), which wrap after the grid's columns."""

    label: str
    items: list[tuple[int, bytes, str]]
    picture: bytes | None = None


@dataclass(frozen=True)
class ThumbnailGroup:
    """Rows under a title, with a button (``action`` its text, none when empty) that emits
    ``ThumbnailGroups.action_clicked(key)``."""

    title: str
    rows: list[ThumbnailRow]
    key: object = None
    action: str = ""


class ThumbnailGroups(QScrollArea):
    """Groups of rows of thumbnails (a set of assets: one row per reference), each picture
    with a "Select" box; scrolls vertically inside its tab (the window keeps its size).
    Pictures are numbered across all groups, in order (``opened``, ``checks``)."""

    opened = Signal(int)  # index of the clicked picture, across groups
    action_clicked = Signal(object)  # the key of the group whose button was clicked

    def __init__(self, size: int, columns: int, label_width: int = 96) -> None:
        super().__init__()
        self.size = size
        self.columns = columns
        self.label_width = label_width
        self.checks: list[tuple[int, QCheckBox]] = []
        self.titles: list[QLabel] = []
        self.row_labels: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        inner = QWidget()
        self.layout_ = QVBoxLayout(inner)
        self.layout_.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.setWidget(inner)
        self.setMinimumHeight(size + 48)

    def sizeHint(self) -> QSize:
        return QSize(self.label_width + self.columns * (self.size + 16) + 24, self.size + 48)

    def show_groups(self, groups: list[ThumbnailGroup]) -> None:
        clear_layout(self.layout_)
        self.checks, self.titles, self.row_labels, self.buttons = [], [], [], []
        for group in groups:
            if group.title or group.action:
                header = QHBoxLayout()
                title = QLabel(group.title)
                title.setStyleSheet("font-weight: bold")
                self.titles.append(title)
                header.addWidget(title, 1)
                if group.action:
                    button = QPushButton(group.action)
                    button.clicked.connect(lambda _=False, k=group.key: self.action_clicked.emit(k))
                    self.buttons.append(button)
                    header.addWidget(button)
                holder = QWidget()
                holder.setLayout(header)
                self.layout_.addWidget(holder)
            for row in group.rows:
                self.layout_.addWidget(self._row(row))

    def _row(self, row: ThumbnailRow) -> QWidget:
        widget = QWidget()
        grid = QGridLayout(widget)
        grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        grid.setContentsMargins(0, 0, 0, 0)
        label = QLabel(row.label)
        label.setWordWrap(True)
        label.setFixedWidth(self.label_width)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.row_labels.append(label)
        side = QVBoxLayout()
        if row.picture is not None:
            picture = QLabel()
            picture.setPixmap(pixmap(row.picture, min(self.size, self.label_width) // 2))
            side.addWidget(picture)
        side.addWidget(label)
        side.addStretch(1)
        grid.addLayout(side, 0, 0, 2 * max(1, -(-len(row.items) // self.columns)), 1)
        for index, (item_id, png, tip) in enumerate(row.items):
            flat = len(self.checks)
            picture = QToolButton()
            picture.setAutoRaise(True)
            picture.setIcon(pixmap(png, self.size))
            picture.setIconSize(QSize(self.size, self.size))
            picture.setToolTip(tip)
            picture.clicked.connect(lambda _=False, i=flat: self.opened.emit(i))
            check = QCheckBox(self.tr("Select"))
            self.checks.append((item_id, check))
            line, column = divmod(index, self.columns)
            grid.addWidget(picture, 2 * line, column + 1)
            grid.addWidget(check, 2 * line + 1, column + 1)
        return widget

    def selected(self) -> list[int]:
        return [item_id for item_id, check in self.checks if check.isChecked()]
