"""Settings: data location (read-only), device, models, auto-lock time, language."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.composition import DEVICE_CHOICES
from drc_desktop.model.activity import Activity
from drc_desktop.model.session import SessionModel
from drc_desktop.model.settings import LANGUAGES, SettingsModel
from drc_desktop.ui.activity_bar import ActivityBar
from drc_desktop.ui.dialogs import existing_folder, open_file


class SettingsView(QWidget):
    def __init__(self, session: SessionModel, settings: SettingsModel,
                 registration: Activity) -> None:  # fmt: skip
        super().__init__()
        self.session = session
        self.settings = settings
        self.registration = registration
        self.location = QLabel(str(session.home))
        self.location.setToolTip(self.tr("Set DRC_HOME to use another folder."))
        self.location.setWordWrap(True)
        devices = {
            "auto": self.tr("Automatic (a graphics card when there is one)"),
            "cpu": self.tr("Processor (CPU)"),
            "cuda": self.tr("NVIDIA graphics card (CUDA)"),
            "mps": self.tr("Apple graphics (Metal)"),
        }
        self.device = QComboBox()
        for code in DEVICE_CHOICES:
            self.device.addItem(devices.get(code, code), code)
        self.device.setCurrentIndex(self.device.findData(settings.get("device")))
        self.auto_lock = QSpinBox(minimum=1, maximum=240, suffix=self.tr(" min"))
        self.auto_lock.setValue(int(settings.get("auto_lock_minutes")))
        names = {"system": self.tr("System language")}
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(names.get(code, name), code)
        self.language.setCurrentIndex(list(LANGUAGES).index(settings.get("language")))
        self.models = QListWidget()
        self.add_folder = QPushButton(self.tr("Register a model folder…"))
        self.add_file = QPushButton(self.tr("Register a model file…"))
        self.progress = ActivityBar(registration)
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
        self.device.currentIndexChanged.connect(
            lambda index: self._device(self.device.itemData(index))
        )
        self.auto_lock.valueChanged.connect(lambda v: settings.set("auto_lock_minutes", v))
        self.language.currentIndexChanged.connect(
            lambda index: settings.set("language", self.language.itemData(index))
        )
        self.add_folder.clicked.connect(lambda: self._register(folder=True))
        self.add_file.clicked.connect(lambda: self._register(folder=False))
        registration.running_changed.connect(self._registering)
        self._registering(registration.running)

    def refresh(self) -> None:
        self.session.models(self.show_models)

    def show_models(self, models: list) -> None:
        if not shiboken6.isValid(self.models):  # the views were rebuilt meanwhile
            return
        self.models.clear()
        kinds = {
            "diffusers": self.tr("diffusers folder"),
            "single_file": self.tr("single file"),
            "ip_adapter": self.tr("IP-Adapter"),
            "image_encoder": self.tr("image encoder"),
        }
        for model in models:
            architecture = f" {model.architecture}" if model.architecture else ""
            kind = kinds.get(model.kind, model.kind.replace("_", " "))
            self.models.addItem(f"{model.name} —{architecture} {kind}")

    def register(self, path: Path) -> None:
        work = self.session.registration(path, self.registration.report)
        self.registration.start("register model", work, self._registered)

    def _registering(self, running: bool) -> None:
        self.add_folder.setEnabled(not running)
        self.add_file.setEnabled(not running)

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
