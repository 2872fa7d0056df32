"""The unlocked app: profiles on the left; Profile, Import, Compose and Gallery tabs."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QHBoxLayout,
    QTabWidget,
    QWidget,
)

from drc_desktop.model.activities import ComposerModel, ImportModel
from drc_desktop.model.library import GalleryModel, ProfileModel
from drc_desktop.model.session import SessionModel
from drc_desktop.ui.compose_tab import ComposeTab
from drc_desktop.ui.import_tab import ImportTab
from drc_desktop.ui.library_views import GalleryTab, ProfileTab
from drc_desktop.ui.profiles_panel import ProfilesPanel


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
