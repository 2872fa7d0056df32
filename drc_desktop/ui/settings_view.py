"""Settings: data location (read-only), device, models, auto-lock time, language."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.composition import DEVICE_CHOICES
from drc_desktop.model.session import SessionModel
from drc_desktop.model.settings import LANGUAGES, SettingsModel
from drc_desktop.ui.dialogs import existing_folder, open_file


class SettingsView(QWidget):
    def __init__(self, session: SessionModel, settings: SettingsModel) -> None:
        super().__init__()
        self.session = session
        self.settings = settings
        self.location = QLabel(str(session.home))
        self.location.setToolTip(self.tr("Set DRC_HOME to use another folder."))
        self.device = QComboBox()
        self.device.addItems(list(DEVICE_CHOICES))
        self.device.setCurrentText(str(settings.get("device")))
        self.auto_lock = QSpinBox(minimum=1, maximum=240, suffix=self.tr(" min"))
        self.auto_lock.setValue(int(settings.get("auto_lock_minutes")))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(self.tr(name) if code == "system" else name, code)
        self.language.setCurrentIndex(list(LANGUAGES).index(settings.get("language")))
        self.models = QListWidget()
        self.add_folder = QPushButton(self.tr("Register a model folder…"))
        self.add_file = QPushButton(self.tr("Register a model file…"))
        self.progress = QProgressBar()
        form = QFormLayout()
        form.addRow(self.tr("Data folder"), self.location)
        form.addRow(self.tr("Run on"), self.device)
        form.addRow(self.tr("Lock after"), self.auto_lock)
        form.addRow(self.tr("Language"), self.language)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Your Stable Diffusion models (safetensors only)")))
        layout.addWidget(self.models)
        layout.addWidget(self.add_folder)
        layout.addWidget(self.add_file)
        layout.addWidget(self.progress)
        layout.addStretch()
        self.device.currentTextChanged.connect(self._device)
        self.auto_lock.valueChanged.connect(lambda v: settings.set("auto_lock_minutes", v))
        self.language.currentIndexChanged.connect(
            lambda index: settings.set("language", self.language.itemData(index))
        )
        self.add_folder.clicked.connect(lambda: self._register(folder=True))
        self.add_file.clicked.connect(lambda: self._register(folder=False))
        session.progress.connect(self._progress)

    def refresh(self) -> None:
        self.session.models(self.show_models)

    def show_models(self, models: list) -> None:
        if not shiboken6.isValid(self.models):  # the views were rebuilt meanwhile
            return
        self.models.clear()
        for model in models:
            architecture = f" {model.architecture}" if model.architecture else ""
            self.models.addItem(f"{model.name} —{architecture} {model.kind.replace('_', ' ')}")

    def register(self, path: Path) -> None:
        self.session.register_model(path, self._registered)

    def _registered(self, model: object) -> None:
        self.session.refresh_profiles()  # the profile panel's model choice follows
        if shiboken6.isValid(self.models):
            self.refresh()

    def _register(self, folder: bool) -> None:
        if folder:
            chosen = existing_folder(self, self.tr("Model folder"))
        else:
            chosen = open_file(self, self.tr("Model file"), "*.safetensors")
        if chosen:
            self.register(Path(chosen))

    def _device(self, name: str) -> None:
        self.settings.set("device", name)
        self.session.use_device(name)

    def _progress(self, done: int, total: int, text: str) -> None:
        if text.startswith("hashing"):
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
