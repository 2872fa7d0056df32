"""Compose: reference, strengths, count, seed, steps, prompt; results to keep, export, delete."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.activities import ComposerModel
from drc_desktop.ui.dialogs import existing_folder, open_file
from drc_desktop.ui.library_views import pixmap
from drc_desktop.ui.profiles_panel import ProfilesPanel

THUMBNAIL = 128


class ComposeTab(QWidget):
    def __init__(self, model: ComposerModel, profiles: ProfilesPanel) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.reference = QPushButton(self.tr("Choose reference image…"))
        self.reference_label = QLabel(self.tr("No reference chosen (it is not stored)."))
        self.style = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=200, value=100)
        self.semantic = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=200, value=100)
        self.count = QSpinBox(minimum=1, maximum=16, value=model.settings.n)
        self.seed = QSpinBox(minimum=0, maximum=2**31 - 1, value=model.settings.seed)
        self.new_seed = QPushButton(self.tr("New seed"))
        self.steps = QSpinBox(minimum=1, maximum=100, value=20)
        self.prompt = QLineEdit(
            placeholderText=self.tr("Optional prompt (Stable Diffusion models)")
        )
        self.generate = QPushButton(self.tr("Generate"))
        self.cancel = QPushButton(self.tr("Cancel"), enabled=False)
        self.progress = QProgressBar()
        self.grid = QGridLayout()
        self.export = QPushButton(self.tr("Export selected…"))
        self.keep = QPushButton(self.tr("Add selected to history"))
        self.discard = QPushButton(self.tr("Delete selected"))
        self.notice = QLabel()
        self.checks: list[tuple[int, QCheckBox]] = []
        self.setAcceptDrops(True)
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
        layout = QVBoxLayout(self)
        layout.addWidget(self.reference)
        layout.addWidget(self.reference_label)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        for button in (self.generate, self.cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addLayout(self.grid)
        actions = QHBoxLayout()
        for button in (self.export, self.keep, self.discard):
            actions.addWidget(button)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        layout.addStretch()
        self.reference.clicked.connect(self._choose_reference)
        self.style.valueChanged.connect(lambda v: model.update(style_strength=v / 100))
        self.semantic.valueChanged.connect(lambda v: model.update(semantic_strength=v / 100))
        self.count.valueChanged.connect(lambda v: model.update(n=v))
        self.seed.valueChanged.connect(lambda v: model.update(seed=v))
        self.steps.valueChanged.connect(lambda v: model.update(steps=v))
        self.prompt.textChanged.connect(lambda text: model.update(prompt=text.strip() or None))
        profiles.list.currentItemChanged.connect(lambda *_: self._profile_changed())
        self.new_seed.clicked.connect(model.new_seed)
        self.generate.clicked.connect(self._generate)
        self.cancel.clicked.connect(model.cancel)
        self.export.clicked.connect(self._export)
        self.keep.clicked.connect(self._keep)
        self.discard.clicked.connect(self._discard)
        model.settings_changed.connect(lambda s: self.seed.setValue(s.seed))
        model.outputs_changed.connect(self.show_outputs)
        model.running_changed.connect(self._running)
        model.notice.connect(self.notice.setText)
        model.session.progress.connect(self._progress)
        if model.settings.reference is not None:
            self.reference_label.setText(model.settings.reference.name)
        self.show_outputs(model.outputs)

    def _profile_changed(self) -> None:
        """The prompt field is for models with a text encoder only."""
        profile = self.profiles.selected()
        has_text = profile is not None and profile.model != BUILTIN_MODEL
        self.prompt.setEnabled(has_text)
        if not has_text:
            self.prompt.clear()

    def set_reference(self, path: Path) -> None:
        self.model.update(reference=path)
        self.reference_label.setText(path.name)

    def _choose_reference(self) -> None:
        name = open_file(self, self.tr("Reference image"))
        if name:
            self.set_reference(Path(name))

    def _generate(self) -> None:
        profile = self.profiles.selected()
        if profile is None:
            self.model.session.message.emit(self.tr("Create or choose a profile first."))
            return
        self.notice.clear()
        self.model.generate(profile.name)

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _running(self, running: bool) -> None:
        self.generate.setEnabled(not running)
        self.cancel.setEnabled(running)
        if not running:
            self.progress.setValue(self.progress.maximum())

    def show_outputs(self, outputs: list) -> None:
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.checks = []
        for index, (output_id, png) in enumerate(outputs):
            picture = QLabel()
            picture.setPixmap(pixmap(png, THUMBNAIL))
            check = QCheckBox(self.tr("keep"))
            self.checks.append((output_id, check))
            self.grid.addWidget(picture, 0, index)
            self.grid.addWidget(check, 1, index)

    def selected_outputs(self) -> list[int]:
        return [output_id for output_id, check in self.checks if check.isChecked()]

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
