"""Compose: reference, strengths, count, seed, steps, prompt; results to select, export, delete.

Every widget shows its view-model's value when it is built (issue 12: after a language switch
the rebuilt widgets showed 20 steps and centred sliders while the next run used 10 steps).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.activities import ComposerModel
from drc_desktop.ui.activity_bar import ActivityBar
from drc_desktop.ui.dialogs import existing_folder, open_file
from drc_desktop.ui.preview_dialog import PreviewDialog
from drc_desktop.ui.profiles_panel import ProfilesPanel
from drc_desktop.ui.thumbnails import ThumbnailGrid, pixmap

THUMBNAIL = 128
REFERENCE_THUMBNAIL = 64
COLUMNS = 4
STRENGTH_SCALE = 100  # slider units per 1.0


class StrengthSlider(QWidget):
    """A strength from 0 to 2 with its value beside it; a double-click returns it to 1."""

    changed = Signal(float)

    def __init__(self, value: float) -> None:
        super().__init__()
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=2 * STRENGTH_SCALE)
        self.slider.setValue(round(value * STRENGTH_SCALE))
        self.slider.setToolTip(self.tr("Double-click to return to 1"))
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("0.00") + 8)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._changed)
        self.slider.installEventFilter(self)
        self._show(self.slider.value())

    def value(self) -> float:
        return self.slider.value() / STRENGTH_SCALE

    def setValue(self, value: float) -> None:
        self.slider.setValue(round(value * STRENGTH_SCALE))

    def eventFilter(self, watched, event) -> bool:
        if watched is self.slider and event.type() == event.Type.MouseButtonDblClick:
            self.setValue(1.0)
            return True
        return False

    def _changed(self, units: int) -> None:
        self._show(units)
        self.changed.emit(units / STRENGTH_SCALE)

    def _show(self, units: int) -> None:
        self.label.setText(f"{units / STRENGTH_SCALE:.2f}")


class ComposeTab(QWidget):
    def __init__(self, model: ComposerModel, profiles: ProfilesPanel) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        settings = model.settings
        self.reference = QPushButton(self.tr("Choose reference image…"))
        self.reference_picture = QLabel()
        self.reference_picture.setFixedSize(REFERENCE_THUMBNAIL, REFERENCE_THUMBNAIL)
        self.reference_label = QLabel()
        self.reference_label.setWordWrap(True)
        self.style = StrengthSlider(settings.style_strength)
        self.semantic = StrengthSlider(settings.semantic_strength)
        self.count = QSpinBox(minimum=1, maximum=16, value=settings.n)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=settings.seed)
        self.new_seed = QPushButton(self.tr("New seed"))
        self.steps = QSpinBox(minimum=1, maximum=100, value=settings.steps)
        self.prompt = QLineEdit(settings.prompt or "")
        self.prompt.setPlaceholderText(self.tr("Optional (Stable Diffusion)"))
        self.prompt.setToolTip(self.tr("A text prompt, for Stable Diffusion profiles only"))
        self.generate = QPushButton(self.tr("Generate"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.progress = ActivityBar(model.activity)
        self.results = ThumbnailGrid(THUMBNAIL, COLUMNS)
        self.export = QPushButton(self.tr("Export selected…"))
        self.keep = QPushButton(self.tr("Add selected to history"))
        self.discard = QPushButton(self.tr("Delete selected"))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.preview: PreviewDialog | None = None
        self.setAcceptDrops(True)

        reference_row = QHBoxLayout()
        reference_row.addWidget(self.reference_picture)
        reference_text = QVBoxLayout()
        reference_text.addWidget(self.reference)
        reference_text.addWidget(self.reference_label)
        reference_row.addLayout(reference_text, 1)
        form = QGridLayout()
        rows = [
            (self.tr("Style strength"), self.style),
            (self.tr("Content strength"), self.semantic),
            (self.tr("Images"), self.count),
            (self.tr("Seed"), self.seed),
            (self.tr("Steps"), self.steps),
            (self.tr("Prompt"), self.prompt),
        ]
        for row, (label, widget) in enumerate(rows):
            form.addWidget(QLabel(label), row, 0)
            form.addWidget(widget, row, 1)
        form.addWidget(self.new_seed, 3, 2)
        form.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(reference_row)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        for button in (self.generate, self.cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.results, 1)
        actions = QHBoxLayout()
        for button in (self.export, self.keep, self.discard):
            actions.addWidget(button)
        layout.addLayout(actions)
        layout.addWidget(self.notice)

        self.reference.clicked.connect(self._choose_reference)
        self.style.changed.connect(self._style_changed)
        self.semantic.changed.connect(self._semantic_changed)
        self.count.valueChanged.connect(self._count_changed)
        self.seed.valueChanged.connect(self._seed_changed)
        self.steps.valueChanged.connect(self._steps_changed)
        self.prompt.textChanged.connect(self._prompt_changed)
        profiles.list.currentItemChanged.connect(self._profile_changed)
        self.new_seed.clicked.connect(model.new_seed)
        self.generate.clicked.connect(self._generate)
        self.cancel.clicked.connect(model.cancel)
        self.export.clicked.connect(self._export)
        self.keep.clicked.connect(self._keep)
        self.discard.clicked.connect(self._discard)
        self.results.opened.connect(self._open_preview)
        model.settings_changed.connect(self._settings_changed)
        model.outputs_changed.connect(self.show_outputs)
        model.reference_changed.connect(self._show_reference)
        model.activity.running_changed.connect(self._running)
        model.activity.failed.connect(self.notice.setText)
        model.notice.connect(self.notice.setText)
        self._running(model.activity.running)
        self._show_reference()
        self.show_outputs(model.outputs)
        self._profile_changed()

    @property
    def checks(self) -> list:
        return self.results.checks

    def _style_changed(self, value: float) -> None:
        self.model.update(style_strength=value)

    def _semantic_changed(self, value: float) -> None:
        self.model.update(semantic_strength=value)

    def _count_changed(self, value: int) -> None:
        self.model.update(n=value)

    def _seed_changed(self, value: int) -> None:
        self.model.update(seed=value)

    def _steps_changed(self, value: int) -> None:
        self.model.update(steps=value)

    def _prompt_changed(self, text: str) -> None:
        self.model.update(prompt=text.strip() or None)

    def _settings_changed(self, settings) -> None:
        self.seed.setValue(settings.seed)

    def _profile_changed(self, *_) -> None:
        """The prompt field is for models with a text encoder only."""
        profile = self.profiles.selected()
        has_text = profile is not None and profile.model != BUILTIN_MODEL
        self.prompt.setEnabled(has_text)
        if not has_text:
            self.prompt.clear()

    def set_reference(self, path: Path) -> None:
        self.model.set_reference(path)

    def _show_reference(self) -> None:
        reference, thumbnail = self.model.settings.reference, self.model.reference_thumbnail
        if reference is None:
            self.reference_label.setText(self.tr("No reference chosen (it is not stored)."))
        else:
            self.reference_label.setText(reference.name)
        if thumbnail is None:
            self.reference_picture.clear()
        else:
            self.reference_picture.setPixmap(pixmap(thumbnail, REFERENCE_THUMBNAIL))

    def _choose_reference(self) -> None:
        name = open_file(self, self.tr("Reference image"))
        if name:
            self.set_reference(Path(name))

    def _generate(self) -> None:
        profile = self.profiles.selected()
        if profile is None:
            self.notice.setText(self.tr("Create or choose a profile first."))
            return
        self.notice.clear()
        self.model.generate(profile.name)

    def _running(self, running: bool) -> None:
        self.generate.setEnabled(not running)
        self.cancel.setEnabled(running)

    def show_outputs(self, outputs: list) -> None:
        self.results.show_items([(i, png, "") for i, png in outputs])

    def selected_outputs(self) -> list[int]:
        return self.results.selected()

    def _open_preview(self, index: int) -> None:
        profile = self.profiles.selected()
        pixel_art = profile is None or profile.model == BUILTIN_MODEL
        self.preview = PreviewDialog(self, self.model.outputs, index, pixel_art, self.model.export)
        self.preview.show()

    def _export(self) -> None:
        ids = self.selected_outputs()
        if not ids:
            return
        folder = existing_folder(self, self.tr("Export to"))
        if folder:
            self.model.export(ids, Path(folder))

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            self.set_reference(files[0])

    def _discard(self) -> None:
        ids = self.selected_outputs()
        if ids:
            self.model.delete(ids)

    def _keep(self) -> None:
        profile = self.profiles.selected()
        if profile is not None and self.selected_outputs():
            self.model.add_to_history(self.selected_outputs(), profile.model)
