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
from drc_desktop.ui.library_views import model_label


class ProfilesPanel(QWidget):
    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.list = QListWidget()
        self.name = QLineEdit(placeholderText=self.tr("New profile name"))
        # the placeholder is shown whole, in every language (issue 12: clipped in Japanese)
        metrics = self.name.fontMetrics()
        self.name.setMinimumWidth(metrics.horizontalAdvance(self.name.placeholderText()) + 24)
        self.model = QComboBox()
        self.model.addItem(model_label(BUILTIN_MODEL), BUILTIN_MODEL)
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
        self.list.currentItemChanged.connect(self._selection_changed)
        session.profiles_changed.connect(self.show_profiles)
        session.profiles_changed.connect(self._load_models)

    def _load_models(self, profiles: list) -> None:
        if self.session.state == "unlocked":
            self.session.models(self.show_models)

    def show_models(self, models: list) -> None:
        """The built-in model and every registered Stable Diffusion model."""
        if not shiboken6.isValid(self.model):  # the views were rebuilt meanwhile
            return
        current = self.model.currentData()
        self.model.clear()
        self.model.addItem(model_label(BUILTIN_MODEL), BUILTIN_MODEL)
        for model in models:
            if model.kind in ("diffusers", "single_file"):
                self.model.addItem(model.name, model.name)
        self.model.setCurrentIndex(max(0, self.model.findData(current)))

    def selected(self):
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def show_profiles(self, profiles: list) -> None:
        """List ``profiles``, the session's selected one selected (else the first)."""
        wanted = self.session.selected_profile
        self.list.blockSignals(True)
        self.list.clear()
        items = []
        for profile in profiles:
            text = self.tr("{} — {} images").format(profile.name, profile.history_count)
            reason = self.session.reimport_reasons.get(profile.id)
            if reason is not None:  # e.g. imported with drc-mini v1 (issue 10 §4)
                text += " — " + self.tr("import its images again")
            item = QListWidgetItem(text)
            if reason is not None:
                item.setToolTip(self.tr("This profile was {}.").format(reason))
            item.setData(Qt.ItemDataRole.UserRole, profile)
            self.list.addItem(item)
            items.append(item)
        self.list.blockSignals(False)
        named = [item for item in items if item.data(Qt.ItemDataRole.UserRole).name == wanted]
        if named or items:
            self.list.setCurrentItem((named or items)[0])  # the views follow
        else:
            self.list.currentItemChanged.emit(None, None)

    def _selection_changed(self, item, _previous=None) -> None:
        if item is not None:
            self.session.selected_profile = item.data(Qt.ItemDataRole.UserRole).name

    def _create(self) -> None:
        if self.name.text().strip():
            self.session.create_profile(self.name.text().strip(), self.model.currentData())
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
