"""The unlocked app: profiles on the left; Profile, Import, Compose and Gallery tabs; the
undo bar for the last deletion below them."""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from drc_desktop.model.activities import ComposerModel, ImportModel
from drc_desktop.model.activity import Activity
from drc_desktop.model.library import GalleryModel, ProfileModel
from drc_desktop.model.session import SessionModel
from drc_desktop.model.undo import UndoModel
from drc_desktop.ui.compose_tab import ComposeTab
from drc_desktop.ui.import_tab import ImportTab
from drc_desktop.ui.library_views import GalleryTab, ProfileTab
from drc_desktop.ui.profiles_panel import ProfilesPanel


@dataclass
class ViewModels:
    """The view-models behind the views; they outlive the widgets (a language change
    rebuilds the widgets, not the state)."""

    importer: ImportModel
    composer: ComposerModel
    profile: ProfileModel
    gallery: GalleryModel
    undo: UndoModel
    registration: Activity  # registering a model in Settings (hashing its files)

    @classmethod
    def create(cls, session: SessionModel) -> ViewModels:
        undo = UndoModel(session)
        composer, gallery = ComposerModel(session), GalleryModel(session, undo)
        composer.stored.connect(gallery.load)  # a new set shows beside the earlier ones
        return cls(ImportModel(session), composer, ProfileModel(session, undo), gallery, undo,
                   Activity(session))  # fmt: skip

    def clear(self) -> None:
        """Drop every image and result the models hold (auto-lock)."""
        self.composer.clear()
        self.importer.clear()
        self.profile.clear()
        self.gallery.clear()
        self.undo.drop()


class UndoBar(QWidget):
    def __init__(self, undo: UndoModel) -> None:
        super().__init__()
        self.text = QLabel()
        self.button = QPushButton(self.tr("Undo"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button)
        self.button.clicked.connect(undo.undo)
        undo.offered.connect(self.show_offer)
        self.show_offer(undo.text)

    def show_offer(self, text: str) -> None:
        self.text.setText(text)
        self.setVisible(bool(text))


class WorkView(QWidget):
    def __init__(self, session: SessionModel, models: ViewModels) -> None:
        super().__init__()
        self.models = models
        self.profiles = ProfilesPanel(session)
        self.importer = ImportTab(models.importer, self.profiles)
        self.composer = ComposeTab(models.composer, self.profiles)
        self.profile_tab = ProfileTab(models.profile, self.profiles)
        self.gallery = GalleryTab(models.gallery, self.profiles)
        self.undo_bar = UndoBar(models.undo)
        tabs = QTabWidget()
        tabs.addTab(self.profile_tab, self.tr("Profile"))
        tabs.addTab(self.importer, self.tr("Import"))
        tabs.addTab(self.composer, self.tr("Compose"))
        tabs.addTab(self.gallery, self.tr("Gallery"))
        self.tabs = tabs
        right = QVBoxLayout()
        right.addWidget(tabs, 1)
        right.addWidget(self.undo_bar)
        layout = QHBoxLayout(self)
        layout.addWidget(self.profiles, 1)
        layout.addLayout(right, 3)

    def clear(self) -> None:
        """Drop every image and result held by the views and their models (auto-lock)."""
        for tab in (self.composer, self.gallery):
            if tab.preview is not None and shiboken6.isValid(tab.preview):
                tab.preview.close()
            tab.preview = None
        self.models.clear()
        self.profiles.list.clear()
