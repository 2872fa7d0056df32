"""Compose: references (one, several files or a folder: a set), strengths, count, seed, steps,
guidance, prompt; one row of results per reference to select, export, delete.

Every widget shows its view-model's value when it is built (issue 12: after a language switch
the rebuilt widgets showed 20 steps and centred sliders while the next run used 10 steps), and
the defaults it shows are those of the selected profile's backend (issue 11 §3: Compose showed
20 steps and sent nothing, so a Stable Diffusion profile ran 30).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
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
from drc_desktop.ui.dialogs import existing_folder, open_files
from drc_desktop.ui.preview_dialog import PreviewDialog
from drc_desktop.ui.profiles_panel import ProfilesPanel
from drc_desktop.ui.thumbnails import ThumbnailGroup, ThumbnailGroups, ThumbnailRow, pixmap

THUMBNAIL = 128
REFERENCE_THUMBNAIL = 64
COLUMNS = 4
STRENGTH_SCALE = 100  # slider units per 1.0
MAX_STEPS = 100
MIN_GUIDANCE, MAX_GUIDANCE = 1.0, 30.0


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
        self.reference = QPushButton(self.tr("Choose reference images…"))
        self.reference_folder = QPushButton(self.tr("Choose a folder…"))
        self.reference_picture = QLabel()
        self.reference_picture.setFixedSize(REFERENCE_THUMBNAIL, REFERENCE_THUMBNAIL)
        self.reference_label = QLabel()
        self.reference_label.setWordWrap(True)
        self.style = StrengthSlider(settings.style_strength)
        self.semantic = StrengthSlider(settings.semantic_strength)
        self.count = QSpinBox(minimum=1, maximum=16, value=settings.n)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=settings.seed)
        self.new_seed = QPushButton(self.tr("New seed"))
        # 0 / "model's default" only until the selected profile's backend has said its own
        self.steps = QSpinBox(minimum=0, maximum=MAX_STEPS)
        self.steps.setSpecialValueText(self.tr("model's default"))
        self.guidance = QDoubleSpinBox(minimum=0.0, maximum=MAX_GUIDANCE, singleStep=0.5)
        self.guidance.setSpecialValueText(self.tr("not used by this model"))
        self.guidance.setToolTip(self.tr("How closely the image follows the prompt"))
        self.prompt = QLineEdit(settings.prompt or "")
        self.prompt.setPlaceholderText(self.tr("Optional (Stable Diffusion)"))
        self.prompt.setToolTip(self.tr("A text prompt, for Stable Diffusion profiles only"))
        self.generate = QPushButton(self.tr("Generate"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.progress = ActivityBar(model.activity)
        self.results = ThumbnailGroups(THUMBNAIL, COLUMNS)
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
        choose = QHBoxLayout()
        choose.addWidget(self.reference)
        choose.addWidget(self.reference_folder)
        reference_text.addLayout(choose)
        reference_text.addWidget(self.reference_label)
        reference_row.addLayout(reference_text, 1)
        form = QGridLayout()
        rows = [
            (self.tr("Style strength"), self.style),
            (self.tr("Content strength"), self.semantic),
            (self.tr("Images"), self.count),
            (self.tr("Seed"), self.seed),
            (self.tr("Steps"), self.steps),
            (self.tr("Guidance"), self.guidance),
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

        self.reference.clicked.connect(self._choose_references)
        self.reference_folder.clicked.connect(self._choose_folder)
        self.style.changed.connect(self._style_changed)
        self.semantic.changed.connect(self._semantic_changed)
        self.count.valueChanged.connect(self._count_changed)
        self.seed.valueChanged.connect(self._seed_changed)
        self.steps.valueChanged.connect(self._steps_changed)
        self.guidance.valueChanged.connect(self._guidance_changed)
        self.prompt.textChanged.connect(self._prompt_changed)
        profiles.list.currentItemChanged.connect(self._profile_changed)
        self.new_seed.clicked.connect(model.new_seed)
        self.generate.clicked.connect(self._generate)
        self.cancel.clicked.connect(model.cancel)
        self.export.clicked.connect(self._export)
        self.keep.clicked.connect(self._keep)
        self.discard.clicked.connect(self._discard)
        self.results.opened.connect(self._open_preview)
        model.settings_changed.connect(self._show_settings)
        model.defaults_changed.connect(self._show_defaults)
        model.rows_changed.connect(self.show_rows)
        model.reference_changed.connect(self._show_reference)
        model.activity.running_changed.connect(self._running)
        model.activity.failed.connect(self.notice.setText)
        model.notice.connect(self.notice.setText)
        self._running(model.activity.running)
        self._show_defaults(model.defaults)
        self._show_settings(model.settings)
        self._show_reference()
        self.show_rows(model.rows)
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
        self.model.update(steps=value or None)

    def _guidance_changed(self, value: float) -> None:
        uses_guidance = self.model.defaults is not None and self.model.defaults.guidance_scale
        self.model.update(guidance_scale=value if uses_guidance else None)

    def _prompt_changed(self, text: str) -> None:
        self.model.update(prompt=text.strip() or None)

    def _show_settings(self, settings) -> None:
        """Every widget shows what the view-model will send (issue 11 §3, issue 12)."""
        for widget, value in (
            (self.seed, settings.seed), (self.count, settings.n),
            (self.steps, settings.steps or 0), (self.guidance, settings.guidance_scale or 0.0),
        ):  # fmt: skip
            if widget.value() != value:
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)

    def _show_defaults(self, defaults) -> None:
        """The selected profile's backend decides what applies: guidance and a prompt only
        for a model that reads text, steps from 1 once its default is known."""
        guidance = defaults is not None and defaults.guidance_scale is not None
        for widget, low in ((self.steps, 0 if defaults is None else 1),
                            (self.guidance, MIN_GUIDANCE if guidance else 0.0)):  # fmt: skip
            widget.blockSignals(True)  # a clamped value is not a choice of the designer's
            widget.setMinimum(low)
            widget.blockSignals(False)
        self.guidance.setEnabled(guidance)
        has_text = defaults is not None and defaults.prompts
        self.prompt.setEnabled(has_text)
        if not has_text:
            self.prompt.clear()
        self._show_settings(self.model.settings)

    def _profile_changed(self, *_) -> None:
        """The defaults shown are those of the selected profile's model."""
        profile = self.profiles.selected()
        if profile is not None:
            self.model.show_profile(profile.name, profile.model)

    def set_reference(self, path: Path) -> None:
        self.model.set_reference(path)

    def set_references(self, paths: list[Path]) -> None:
        self.model.set_references(paths)

    def _show_reference(self) -> None:
        references, thumbnail = self.model.settings.references, self.model.reference_thumbnail
        if not references:
            self.reference_label.setText(self.tr("No reference chosen (it is not stored)."))
        elif len(references) == 1:
            self.reference_label.setText(references[0].name)
        else:
            names = ", ".join(path.name for path in references[:3])
            more = "…" if len(references) > 3 else ""
            text = self.tr("A set of {} references: {}{}").format(len(references), names, more)
            self.reference_label.setText(text)
        if thumbnail is None:
            self.reference_picture.clear()
        else:
            self.reference_picture.setPixmap(pixmap(thumbnail, REFERENCE_THUMBNAIL))

    def _choose_references(self) -> None:
        names = open_files(self, self.tr("Reference images"))
        if names:
            self.set_references([Path(name) for name in names])

    def _choose_folder(self) -> None:
        folder = existing_folder(self, self.tr("A folder of reference images"))
        if folder:
            self.set_references([Path(folder)])

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
        """Outputs of no particular reference, in one row (id, PNG bytes)."""
        row = ThumbnailRow("", [(i, png, "") for i, png in outputs])
        self.results.show_groups([ThumbnailGroup("", [row])])

    def show_rows(self, rows: list) -> None:
        """One row per reference of the set: its thumbnail and name, then its results."""
        shown = []
        for position, row in enumerate(rows, start=1):
            label = f"{position}. {row.path.name}"
            if row.note:
                label += "\n" + self.tr("(not used)")
            items = [(i, png, "") for i, png in row.outputs]
            shown.append(ThumbnailRow(label, items, row.thumbnail))
        self.results.show_groups([ThumbnailGroup("", shown)] if shown else [])
        for label, row in zip(self.results.row_labels, rows, strict=True):
            label.setToolTip(row.note or str(row.path))

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
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.set_references(paths)

    def _discard(self) -> None:
        ids = self.selected_outputs()
        if ids:
            self.model.delete(ids)

    def _keep(self) -> None:
        profile = self.profiles.selected()
        if profile is not None and self.selected_outputs():
            self.model.add_to_history(self.selected_outputs(), profile.model)
