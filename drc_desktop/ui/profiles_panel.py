"""The profile list: create (choosing the model), rename, delete."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.session import SessionModel


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
