"""The Profile tab (history, model, style preview, 2-D map) and the Gallery tab."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.model.library import GalleryModel, ProfileDetails, ProfileModel
from drc_desktop.ui.dialogs import existing_folder

THUMBNAIL = 96
STYLE_COLOUR = QColor(214, 96, 77)
SEMANTIC_COLOUR = QColor(67, 147, 195)


def pixmap(png: bytes, size: int = THUMBNAIL) -> QPixmap:
    return QPixmap.fromImage(QImage.fromData(png)).scaled(
        size, size, Qt.AspectRatioMode.KeepAspectRatio
    )


def clear_layout(layout) -> None:
    while layout.count():
        layout.takeAt(0).widget().deleteLater()


class VectorMap(QWidget):
    """Style points (red) and semantic points (blue) of the history on shared PCA axes."""

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(260, 200)
        self.style = np.zeros((0, 2))
        self.semantics = np.zeros((0, 2))

    def show_points(self, style: np.ndarray, semantics: np.ndarray) -> None:
        self.style, self.semantics = style, semantics
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(250, 250, 250))
        points = np.concatenate([self.style, self.semantics]) if len(self.style) else None
        if points is None:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No history yet"))
            return
        low, high = points.min(axis=0), points.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        margin = 16

        def place(point: np.ndarray) -> QPointF:
            x = margin + (point[0] - low[0]) / span[0] * (self.width() - 2 * margin)
            y = margin + (point[1] - low[1]) / span[1] * (self.height() - 2 * margin)
            return QPointF(x, y)

        for colour, group in ((SEMANTIC_COLOUR, self.semantics), (STYLE_COLOUR, self.style)):
            painter.setBrush(colour)
            painter.setPen(colour.darker())
            for point in group:
                painter.drawEllipse(place(point), 4, 4)
        painter.setPen(STYLE_COLOUR.darker())
        painter.drawText(8, self.height() - 24, self.tr("● style"))
        painter.setPen(SEMANTIC_COLOUR.darker())
        painter.drawText(8, self.height() - 8, self.tr("● content"))


class ProfileTab(QWidget):
    def __init__(self, model: ProfileModel, profiles) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.items = QListWidget()
        self.remove = QPushButton(self.tr("Remove selected image from the history"))
        self.preview_button = QPushButton(self.tr("Show style preview"))
        self.preview = QHBoxLayout()
        self.map = VectorMap()
        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addWidget(self.items)
        left.addWidget(self.remove)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Style and content of the history (2-D map)")))
        right.addWidget(self.map)
        right.addWidget(self.preview_button)
        right.addLayout(self.preview)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        self.remove.clicked.connect(self._remove)
        self.preview_button.clicked.connect(self._preview)
        model.details_changed.connect(self.show_details)
        model.preview_changed.connect(self.show_preview)
        profiles.list.currentItemChanged.connect(lambda *_: self.refresh())

    def refresh(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.load(profile.name)

    def show_details(self, details: ProfileDetails) -> None:
        encoders = ", ".join(details.encoders) or self.tr("none yet")
        self.summary.setText(
            self.tr("{} — model {}, encoder {}, {} history images").format(
                details.name, details.model, encoders, len(details.items)
            )
        )
        self.items.clear()
        for item_id, imported_at, source in details.items:
            origin = self.tr(" (from output {})").format(source) if source else ""
            entry = QListWidgetItem(self.tr("image {} — imported {}{}").format(
                item_id, imported_at, origin))  # fmt: skip
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            self.items.addItem(entry)
        self.map.show_points(details.style_points, details.semantic_points)

    def show_preview(self, images: list) -> None:
        clear_layout(self.preview)
        for png in images:
            label = QLabel()
            label.setPixmap(pixmap(png))
            self.preview.addWidget(label)

    def _remove(self) -> None:
        item, profile = self.items.currentItem(), self.profiles.selected()
        if item is not None and profile is not None:
            self.model.remove_item(profile.name, item.data(Qt.ItemDataRole.UserRole))

    def _preview(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.style_preview(profile.name)


class GalleryTab(QWidget):
    def __init__(self, model: GalleryModel, profiles) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.grid = QGridLayout()
        self.checks: list[tuple[int, QCheckBox]] = []
        self.export = QPushButton(self.tr("Export selected…"))
        self.delete = QPushButton(self.tr("Delete selected"))
        self.notice = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self.grid)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export)
        buttons.addWidget(self.delete)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addStretch()
        self.export.clicked.connect(self._export)
        self.delete.clicked.connect(self._delete)
        model.outputs_changed.connect(self.show_outputs)
        model.notice.connect(self.notice.setText)
        profiles.list.currentItemChanged.connect(lambda *_: self.refresh())

    def refresh(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.load(profile.name)

    def show_outputs(self, outputs: list) -> None:
        clear_layout(self.grid)
        self.checks = []
        columns = 6
        for index, (output_id, created_at, request, png) in enumerate(outputs):
            picture = QLabel()
            picture.setPixmap(pixmap(png))
            made_with = self.tr("seed {}, style {:g}, content {:g}, {}")
            picture.setToolTip(made_with.format(
                request.seed, request.style_strength, request.semantic_strength, created_at
            ))  # fmt: skip
            check = QCheckBox(str(output_id))
            self.checks.append((output_id, check))
            row, column = divmod(index, columns)
            self.grid.addWidget(picture, 2 * row, column)
            self.grid.addWidget(check, 2 * row + 1, column)

    def selected(self) -> list[int]:
        return [output_id for output_id, check in self.checks if check.isChecked()]

    def _export(self) -> None:
        if not self.selected():
            return
        folder = existing_folder(self, self.tr("Export to"))
        if folder:
            self.model.export(self.selected(), Path(folder))

    def _delete(self) -> None:
        profile = self.profiles.selected()
        if profile is not None and self.selected():
            self.model.delete(profile.name, self.selected())
