"""The Profile tab (history, model, style preview, 2-D map) and the Gallery tab (outputs by
set of assets, export of a set, "Generate again").

Both show what their view-model holds when they are built, so a rebuilt tab (a language
switch) shows the same history, preview and gallery (issue 12).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.library import GalleryModel, ProfileDetails, ProfileModel
from drc_desktop.ui.activity_bar import ActivityBar
from drc_desktop.ui.dialogs import confirm, existing_folder
from drc_desktop.ui.preview_dialog import PreviewDialog
from drc_desktop.ui.thumbnails import (
    ThumbnailGroup,
    ThumbnailGroups,
    ThumbnailRow,
    clear_layout,
    pixmap,
)

THUMBNAIL = 96
HISTORY_PICTURE = 64  # a rebuilt history picture in the list (the stickers' own size)
LABEL_ROLE = Qt.ItemDataRole.UserRole + 1  # an item's one-line label (text has two lines)
PICTURE_ROLE = Qt.ItemDataRole.UserRole + 2  # whether the item shows its rebuilt picture
GALLERY_COLUMNS = 6
STYLE_COLOUR = QColor(214, 96, 77)
SEMANTIC_COLOUR = QColor(67, 147, 195)
MARGIN = 16
PICK_RADIUS = 8  # pixels around a point that count as pointing at it


def local_time(stamp: str) -> str:
    """A stored UTC time (ISO 8601) in the computer's time zone, to the minute."""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def placeholder_icon() -> QIcon:
    """A plain square where a history item's picture goes (rows keep one height, so the
    items on screen are known before any picture is made)."""
    square = QPixmap(HISTORY_PICTURE, HISTORY_PICTURE)
    square.fill(QColor(236, 236, 236))
    return QIcon(square)


def model_label(name: str) -> str:
    """A model's name as a designer reads it (no internal names on screen)."""
    from PySide6.QtCore import QCoreApplication

    if name == BUILTIN_MODEL:
        return QCoreApplication.translate("ModelLabel", "built-in sticker model")
    return name


class VectorMap(QWidget):
    """Style points (red) and semantic points (blue) of the history on shared PCA axes; each
    history item has one point of each. Hovering a point names its item, a click selects it."""

    hovered = Signal(int)  # item index, -1 when none
    clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setMinimumSize(240, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.style = np.zeros((0, 2))
        self.semantics = np.zeros((0, 2))
        self.labels: list[str] = []
        self.selected = -1
        self.hovering = -1

    def show_points(self, style: np.ndarray, semantics: np.ndarray, labels: list[str]) -> None:
        self.style, self.semantics, self.labels = style, semantics, labels
        self.selected = self.hovering = -1
        self.update()

    def select(self, index: int) -> None:
        self.selected = index
        self.update()

    def _placed(self) -> tuple[np.ndarray, np.ndarray]:
        """Both point sets in widget pixels, the whole area used (each axis scaled apart)."""
        points = np.concatenate([self.style, self.semantics])
        low, high = points.min(axis=0), points.max(axis=0)
        span = np.maximum(high - low, 1e-9)
        size = np.array([self.width(), self.height() - 2 * MARGIN]) - 2 * MARGIN

        def place(group: np.ndarray) -> np.ndarray:
            return MARGIN + (group - low) / span * size

        return place(self.style), place(self.semantics)

    def item_at(self, x: float, y: float) -> int:
        """The item whose style or content point is under (x, y), or -1."""
        if not len(self.style):
            return -1
        style, semantics = self._placed()
        distances = np.minimum(np.hypot(*(style - (x, y)).T), np.hypot(*(semantics - (x, y)).T))
        nearest = int(distances.argmin())
        return nearest if distances[nearest] <= PICK_RADIUS else -1

    def mouseMoveEvent(self, event) -> None:
        index = self.item_at(event.position().x(), event.position().y())
        if index != self.hovering:
            self.hovering = index
            self.hovered.emit(index)
            self.update()
        if index >= 0:
            QToolTip.showText(event.globalPosition().toPoint(), self.labels[index], self)
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event) -> None:
        index = self.item_at(event.position().x(), event.position().y())
        if index >= 0:
            self.select(index)
            self.clicked.emit(index)

    def leaveEvent(self, event) -> None:
        self.hovering = -1
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(250, 250, 250))
        if not len(self.style):
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No history yet"))
            return
        style, semantics = self._placed()
        for colour, group in ((SEMANTIC_COLOUR, semantics), (STYLE_COLOUR, style)):
            painter.setBrush(colour)
            painter.setPen(colour.darker())
            for point in group:
                painter.drawEllipse(QPointF(*point), 4, 4)
        for index in {self.selected, self.hovering} - {-1}:
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor(30, 30, 30), 2))
            for group in (style, semantics):
                painter.drawEllipse(QPointF(*group[index]), 7, 7)
            painter.drawLine(QPointF(*style[index]), QPointF(*semantics[index]))
        painter.setPen(STYLE_COLOUR.darker())
        painter.drawText(8, self.height() - 24, self.tr("● style"))
        painter.setPen(SEMANTIC_COLOUR.darker())
        painter.drawText(8, self.height() - 8, self.tr("● content"))


class ProfileTab(QWidget):
    """The selected profile's history: each item with its position, its import date (local
    time) and, for a built-in-model profile, its picture rebuilt from the vault as it comes
    into view (a Stable Diffusion profile: on request, one item at a time); the 2-D map of
    its vectors; the style preview."""

    def __init__(self, model: ProfileModel, profiles) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.rebuilt_note = QLabel()
        self.rebuilt_note.setWordWrap(True)
        self.items = QListWidget()
        self.items.setIconSize(QSize(HISTORY_PICTURE, HISTORY_PICTURE))
        self.items.setUniformItemSizes(True)
        self.placeholder = placeholder_icon()
        self.rebuild = QPushButton(self.tr("Rebuild the selected image from the vault"))
        self.rebuild.setToolTip(
            self.tr("Makes a picture from the image's stored vectors: one generation.")
        )
        self.rebuild_progress = ActivityBar(model.rebuilt.activity)
        self.remove = QPushButton(self.tr("Remove from history…"))
        self.preview_button = QPushButton(self.tr("Show style preview"))
        self.preview_progress = ActivityBar(model.preview_activity)
        self.preview = QHBoxLayout()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.map = VectorMap()
        left = QVBoxLayout()
        left.addWidget(self.summary)
        left.addWidget(self.rebuilt_note)
        left.addWidget(self.items, 1)
        left.addWidget(self.rebuild_progress)
        left.addWidget(self.rebuild)
        left.addWidget(self.remove)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Style and content of the history (2-D map)")))
        right.addWidget(self.map, 1)
        right.addWidget(self.preview_button)
        right.addWidget(self.preview_progress)
        right.addLayout(self.preview)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)
        self.remove.clicked.connect(self._remove)
        self.rebuild.clicked.connect(self._rebuild_selected)
        self.preview_button.clicked.connect(self._preview)
        self.items.currentRowChanged.connect(self.map.select)
        self.items.currentRowChanged.connect(self._update_rebuild_button)
        self.items.verticalScrollBar().valueChanged.connect(self.request_shown_pictures)
        self.map.clicked.connect(self.items.setCurrentRow)
        model.details_changed.connect(self.show_details)
        model.preview_changed.connect(self.show_preview)
        model.preview_activity.running_changed.connect(self._previewing)
        model.rebuilt.image_ready.connect(self._show_picture)
        model.rebuilt.cleared.connect(self._drop_pictures)
        model.rebuilt.activity.running_changed.connect(self._update_rebuild_button)
        profiles.list.currentItemChanged.connect(self._profile_changed)
        if model.details is not None:
            self.show_details(model.details)
        else:
            self._show_rebuild_mode(None)
        self.show_preview(model.preview)
        self._previewing(model.preview_activity.running)

    def _profile_changed(self, *_) -> None:
        self.refresh()

    def refresh(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.load(profile.name)

    def show_details(self, details: ProfileDetails) -> None:
        self.summary.setText(
            self.tr("{} — {}, {} history images").format(
                details.name, model_label(details.model), len(details.items)
            )
        )
        if len(details.encoders) > 1:
            self.summary.setToolTip(
                self.tr("Imported with {} different image encoders.").format(len(details.encoders))
            )
        self.items.clear()
        labels = []
        count = len(details.items)
        for position, (item_id, imported_at, source) in enumerate(details.items, start=1):
            origin = self.tr(" (from a generated image)") if source else ""
            text = self.tr("{} of {} — imported {}{}").format(
                position, count, local_time(imported_at), origin
            )
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            entry.setData(LABEL_ROLE, text)
            entry.setIcon(self.placeholder)
            self.items.addItem(entry)
            labels.append(text)
            if item_id in self.model.rebuilt.images:
                self._set_picture(entry, self.model.rebuilt.images[item_id])
        self.map.show_points(details.style_points, details.semantic_points, labels)
        self._show_rebuild_mode(details)
        QTimer.singleShot(0, self, self.request_shown_pictures)  # once the list is laid out

    def _show_rebuild_mode(self, details: ProfileDetails | None) -> None:
        on_sight = details is not None and details.rebuild_on_sight
        if details is None:
            self.rebuilt_note.setText("")
        elif on_sight:
            self.rebuilt_note.setText(self.tr(
                "Pictures rebuilt from the vault: the model makes each one from the image's "
                "stored vectors. The imported images themselves were never kept."
            ))  # fmt: skip
        else:
            self.rebuilt_note.setText(self.tr(
                "The imported images were never kept. Select one to rebuild its picture from "
                "the vault (it costs one generation)."
            ))  # fmt: skip
        self.rebuild.setVisible(details is not None and not on_sight)
        self._update_rebuild_button()

    def _update_rebuild_button(self, *_) -> None:
        self.rebuild.setEnabled(
            self.items.currentItem() is not None and not self.model.rebuilt.activity.running
        )

    def shown_item_ids(self) -> list[int]:
        """The history items the list shows now (on screen, inside its scrolled view)."""
        if not self.items.isVisible():
            return []
        viewport = self.items.viewport().rect()
        return [
            self.items.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.items.count())
            if self.items.visualItemRect(self.items.item(row)).intersects(viewport)
        ]

    def request_shown_pictures(self, *_) -> None:
        """Ask for the pictures of the items on screen (built-in model profiles only)."""
        details = self.model.details
        if details is None or not details.rebuild_on_sight:
            return
        shown = self.shown_item_ids()
        if shown:
            self.model.rebuilt.show(details.name, shown)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.request_shown_pictures)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.request_shown_pictures()

    def _show_picture(self, item_id: int) -> None:
        for row in range(self.items.count()):
            entry = self.items.item(row)
            if entry.data(Qt.ItemDataRole.UserRole) == item_id:
                self._set_picture(entry, self.model.rebuilt.images[item_id])

    def _set_picture(self, entry: QListWidgetItem, png: bytes) -> None:
        entry.setIcon(QIcon(pixmap(png, HISTORY_PICTURE)))
        entry.setData(PICTURE_ROLE, True)
        label = entry.data(LABEL_ROLE)
        entry.setText(label + "\n" + self.tr("rebuilt from the vault"))
        entry.setToolTip(self.tr(
            "Rebuilt from the vault: what the model makes of this image's stored vectors, "
            "held in memory until the vault locks (never saved)."
        ))  # fmt: skip

    def _drop_pictures(self) -> None:
        """The vault locked: no picture stays in a widget."""
        for row in range(self.items.count()):
            entry = self.items.item(row)
            entry.setIcon(self.placeholder)
            entry.setData(PICTURE_ROLE, False)
            entry.setText(entry.data(LABEL_ROLE))
            entry.setToolTip("")

    def _rebuild_selected(self) -> None:
        item, profile = self.items.currentItem(), self.profiles.selected()
        if item is not None and profile is not None:
            self.model.rebuilt.rebuild_now(profile.name, item.data(Qt.ItemDataRole.UserRole))

    def show_preview(self, images: list) -> None:
        clear_layout(self.preview)
        for png in images:
            label = QLabel()
            label.setPixmap(pixmap(png, THUMBNAIL))
            self.preview.addWidget(label)

    def _previewing(self, running: bool) -> None:
        self.preview_button.setEnabled(not running)

    def _remove(self) -> None:
        item, profile = self.items.currentItem(), self.profiles.selected()
        if item is None or profile is None:
            return
        question = self.tr(
            "Remove “{}” from the history of {}? Its vectors are deleted from the vault "
            "(Undo can put it back for a short while)."
        ).format(item.data(LABEL_ROLE), profile.name)
        if confirm(self, self.tr("Remove from history"), question):
            self.model.remove_item(profile.name, item.data(Qt.ItemDataRole.UserRole))

    def _preview(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.style_preview(profile.name)


class GalleryTab(QWidget):
    """The profile's outputs grouped by set (one row per reference), each set with its own
    export; "Generate again" for one selected output."""

    def __init__(self, model: GalleryModel, profiles) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.grid = ThumbnailGroups(THUMBNAIL, GALLERY_COLUMNS)
        self.export = QPushButton(self.tr("Export selected…"))
        self.again = QPushButton(self.tr("Generate again"))
        self.again.setToolTip(
            self.tr("Make the selected image again from what the vault keeps with it")
        )
        self.delete = QPushButton(self.tr("Delete selected…"))
        self.again_progress = ActivityBar(model.again_activity)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.preview: PreviewDialog | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.grid, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export)
        buttons.addWidget(self.again)
        buttons.addWidget(self.delete)
        layout.addLayout(buttons)
        layout.addWidget(self.again_progress)
        layout.addWidget(self.notice)
        self.export.clicked.connect(self._export)
        self.again.clicked.connect(self._generate_again)
        self.delete.clicked.connect(self._delete)
        self.grid.opened.connect(self._open_preview)
        self.grid.action_clicked.connect(self._export_set)
        model.outputs_changed.connect(self.show_outputs)
        model.notice.connect(self.notice.setText)
        model.history_changed.connect(self._history_changed)
        model.again_activity.running_changed.connect(self._again_running)
        profiles.list.currentItemChanged.connect(self._profile_changed)
        self._again_running(model.again_activity.running)
        self.show_outputs(model.outputs)

    @property
    def checks(self) -> list:
        return self.grid.checks

    def _profile_changed(self, *_) -> None:
        self.refresh()

    def refresh(self) -> None:
        profile = self.profiles.selected()
        if profile is not None:
            self.model.load(profile.name)

    def show_outputs(self, outputs: list) -> None:
        """``outputs``: (id, created at, request, png[, set id, set position]), oldest first;
        shown as one group per set, one row per reference, in the order sets were made."""
        made_with = self.tr("seed {}, style {:g}, content {:g}, {}")
        groups: dict[object, dict[int, list]] = {}
        times: dict[object, str] = {}
        for output_id, created_at, request, png, *place in outputs:
            set_id, position = place if place else (None, None)
            key = ("set", set_id) if set_id is not None else ("no set", None)
            tip = made_with.format(request.seed, request.style_strength,
                                   request.semantic_strength, local_time(created_at))  # fmt: skip
            groups.setdefault(key, {}).setdefault(position or 0, []).append((output_id, png, tip))
            times.setdefault(key, created_at)
        shown = []
        for key, rows in groups.items():
            kind, number = key
            when = local_time(times[key])
            if kind != "set":
                title = self.tr("Images made before sets of references")
            elif len(rows) > 1:
                title = self.tr("Set of {} references · {}").format(len(rows), when)
            else:
                title = self.tr("Made {}").format(when)
            labelled = [
                ThumbnailRow(self.tr("Reference {}").format(position + 1) if len(rows) > 1
                             else "", items)
                for position, items in sorted(rows.items())
            ]  # fmt: skip
            action = self.tr("Export set…") if kind == "set" else ""
            shown.append(ThumbnailGroup(title, labelled, number if kind == "set" else None,
                                        action))  # fmt: skip
        self.grid.show_groups(shown)

    def selected(self) -> list[int]:
        return self.grid.selected()

    def _shown_order(self) -> list[tuple[int, bytes, object]]:
        """The outputs in the order the groups show them (id, png, request)."""
        requests = {item[0]: (item[3], item[2]) for item in self.model.outputs}
        return [(item_id, *requests[item_id]) for item_id, _ in self.grid.checks]

    def _open_preview(self, index: int) -> None:
        shown = self._shown_order()
        images = [(output_id, png) for output_id, png, _ in shown]
        pixel_art = shown[index][2].model == BUILTIN_MODEL
        self.preview = PreviewDialog(self, images, index, pixel_art, self.model.export)
        self.preview.show()

    def _export(self) -> None:
        if not self.selected():
            return
        folder = existing_folder(self, self.tr("Export to"))
        if folder:
            self.model.export(self.selected(), Path(folder))

    def _export_set(self, set_id: int) -> None:
        folder = existing_folder(self, self.tr("Export the set to"))
        if folder:
            self.model.export_set(set_id, Path(folder))

    def _generate_again(self) -> None:
        profile, ids = self.profiles.selected(), self.selected()
        if profile is None or len(ids) != 1:
            self.notice.setText(self.tr("Select one image to generate again."))
            return
        self.notice.clear()
        self.model.generate_again(profile.name, ids[0])

    def _history_changed(self, output_id: int, question: str) -> None:
        profile = self.profiles.selected()
        if profile is None:
            return
        if confirm(self, self.tr("The history changed"), question):
            self.model.generate_again(profile.name, output_id, current_history=True)
        else:
            self.notice.setText(self.tr("Nothing was generated."))

    def _again_running(self, running: bool) -> None:
        self.again.setEnabled(not running)

    def _delete(self) -> None:
        profile, ids = self.profiles.selected(), self.selected()
        if profile is None or not ids:
            return
        question = self.tr(
            "Delete {} generated image(s) from the vault? (Undo can put them back for a "
            "short while.)"
        ).format(len(ids))
        if confirm(self, self.tr("Delete images"), question):
            self.model.delete(profile.name, ids)
