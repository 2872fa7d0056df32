"""The unlocked app: profiles on the left; Import and Compose for the selected profile."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.images import IMAGE_SUFFIXES
from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.activities import ComposerModel, ImportModel
from drc_desktop.model.library import GalleryModel, ProfileModel
from drc_desktop.model.session import SessionModel
from drc_desktop.ui.library_views import GalleryTab, ProfileTab

THUMBNAIL = 128


def file_dialog_options() -> QFileDialog.Option:
    """Qt's own dialog: no OS "recent files" or thumbnail traces (DESIGN.md §4)."""
    return QFileDialog.Option.DontUseNativeDialog


class ProfilesPanel(QWidget):
    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.list = QListWidget()
        self.name = QLineEdit(placeholderText=self.tr("New profile name"))
        self.model = QComboBox()
        self.model.addItem(BUILTIN_MODEL)
        self.create = QPushButton(self.tr("Create profile"))
        self.rename = QPushButton(self.tr("Rename to this name"))
        self.delete = QPushButton(self.tr("Delete profile"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Profiles")))
        layout.addWidget(self.list)
        layout.addWidget(self.name)
        layout.addWidget(self.model)
        layout.addWidget(self.create)
        layout.addWidget(self.rename)
        layout.addWidget(self.delete)
        self.create.clicked.connect(self._create)
        self.name.returnPressed.connect(self._create)
        self.rename.clicked.connect(self._rename)
        self.delete.clicked.connect(self._delete)
        session.profiles_changed.connect(self.show_profiles)
        session.profiles_changed.connect(self._load_models)

    def _load_models(self, profiles: list) -> None:
        if self.session.state == "unlocked":
            self.session.models(self.show_models)

    def show_models(self, models: list) -> None:
        """The built-in model and every registered Stable Diffusion model."""
        if not shiboken6.isValid(self.model):  # the views were rebuilt meanwhile
            return
        current = self.model.currentText()
        self.model.clear()
        self.model.addItem(BUILTIN_MODEL)
        for model in models:
            if model.kind in ("diffusers", "single_file"):
                self.model.addItem(model.name)
        self.model.setCurrentText(current)

    def selected(self):
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def show_profiles(self, profiles: list) -> None:
        current = self.selected().name if self.selected() else None
        self.list.clear()
        for profile in profiles:
            text = self.tr("{} — {} images").format(profile.name, profile.history_count)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, profile)
            self.list.addItem(item)
            if profile.name == current or (current is None and self.list.count() == 1):
                self.list.setCurrentItem(item)

    def _create(self) -> None:
        if self.name.text().strip():
            self.session.create_profile(self.name.text().strip(), self.model.currentText())
            self.name.clear()

    def _rename(self) -> None:
        profile = self.selected()
        if profile is not None and self.name.text().strip():
            self.session.rename_profile(profile.name, self.name.text().strip())
            self.name.clear()

    def _delete(self) -> None:
        profile = self.selected()
        if profile is None:
            return
        question = self.tr(
            "Delete the profile {} with its {} history items and {} generated images? "
            "This cannot be undone."
        ).format(profile.name, profile.history_count, profile.output_count)
        answer = QMessageBox.question(self, self.tr("Delete profile"), question)
        if answer == QMessageBox.StandardButton.Yes:
            self.session.delete_profile(profile.name)


class ImportTab(QWidget):
    def __init__(self, model: ImportModel, profiles: ProfilesPanel) -> None:
        super().__init__()
        self.model = model
        self.profiles = profiles
        self.setAcceptDrops(True)
        note = QLabel(
            self.tr(
                "Drop images or folders here. Only their style and content vectors are kept, "
                "encrypted; the images themselves are not."
            )
        )
        note.setWordWrap(True)
        self.add = QPushButton(self.tr("Add images…"))
        self.cancel = QPushButton(self.tr("Cancel"), enabled=False)
        self.progress = QProgressBar()
        self.status = QLabel()
        self.results = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.cancel)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.results)
        self.add.clicked.connect(self._choose)
        self.cancel.clicked.connect(model.cancel)
        model.result_added.connect(self._add_result)
        model.finished.connect(self._finished)
        model.running_changed.connect(self._running)
        model.session.progress.connect(self._progress)

    def start(self, paths: list[Path]) -> None:
        profile = self.profiles.selected()
        if profile is None:
            self.model.session.message.emit(self.tr("Create or choose a profile first."))
            return
        self.results.clear()
        self.model.start(profile.name, paths)

    def _choose(self) -> None:
        pattern = " ".join(f"*{suffix}" for suffix in sorted(IMAGE_SUFFIXES))
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add images"), "", self.tr("Images ({})").format(pattern),
            options=file_dialog_options(),
        )  # fmt: skip
        if names:
            self.start([Path(name) for name in names])

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            self.start(paths)

    def _add_result(self, status: str, name: str, reason: str) -> None:
        words = {"imported": self.tr("imported"), "duplicate": self.tr("duplicate"),
                 "rejected": self.tr("rejected"), "skipped": self.tr("skipped")}  # fmt: skip
        self.results.addItem(
            f"{words.get(status, status)}: {name}" + (f" — {reason}" * bool(reason))
        )

    def _progress(self, done: int, total: int, text: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.status.setText(text)

    def _running(self, running: bool) -> None:
        self.add.setEnabled(not running)
        self.cancel.setEnabled(running)
        if not running:
            self.progress.setValue(self.progress.maximum())

    def _finished(self, counts: dict) -> None:
        parts = [self.tr("{} {}").format(count, self.tr(status)) for status, count in
                 sorted(counts.items())]  # fmt: skip
        self.status.setText(self.tr("Done: {}").format(", ".join(parts)))


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
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Reference image"), "", "",
                                              options=file_dialog_options())  # fmt: skip
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
            image = QImage.fromData(png)
            picture = QLabel()
            picture.setPixmap(QPixmap.fromImage(image).scaled(
                THUMBNAIL, THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio))  # fmt: skip
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
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to"), "",
                                                  options=file_dialog_options())  # fmt: skip
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


@dataclass
class ViewModels:
    """The view-models behind the work view; they outlive its widgets (a language change
    rebuilds the widgets, not the state)."""

    importer: ImportModel
    composer: ComposerModel
    profile: ProfileModel
    gallery: GalleryModel

    @classmethod
    def create(cls, session: SessionModel) -> ViewModels:
        return cls(ImportModel(session), ComposerModel(session), ProfileModel(session),
                   GalleryModel(session))  # fmt: skip


class WorkView(QWidget):
    def __init__(self, session: SessionModel, models: ViewModels) -> None:
        super().__init__()
        self.profiles = ProfilesPanel(session)
        self.importer = ImportTab(models.importer, self.profiles)
        self.composer = ComposeTab(models.composer, self.profiles)
        self.profile_tab = ProfileTab(models.profile, self.profiles)
        self.gallery = GalleryTab(models.gallery, self.profiles)
        tabs = QTabWidget()
        tabs.addTab(self.profile_tab, self.tr("Profile"))
        tabs.addTab(self.importer, self.tr("Import"))
        tabs.addTab(self.composer, self.tr("Compose"))
        tabs.addTab(self.gallery, self.tr("Gallery"))
        self.tabs = tabs
        layout = QHBoxLayout(self)
        layout.addWidget(self.profiles, 1)
        layout.addWidget(tabs, 3)

    def clear(self) -> None:
        """Drop every image and result held by the views (auto-lock)."""
        self.composer.show_outputs([])
        self.composer.model.outputs = []
        self.composer.model.update(reference=None)
        self.composer.reference_label.setText(self.tr("No reference chosen (it is not stored)."))
        self.importer.results.clear()
        self.importer.status.clear()
        self.gallery.show_outputs([])
        self.profile_tab.show_preview([])
        self.profile_tab.items.clear()
        self.profiles.list.clear()
