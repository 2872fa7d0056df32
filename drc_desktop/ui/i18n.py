"""The interface language: our compiled translations (``resources/i18n/*.qm``) and Qt's own
(``qtbase_*.qm`` shipped with PySide6: the file dialog, Yes/No, context menus)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from drc_desktop.core.resources import RESOURCES_DIR

I18N_DIR = RESOURCES_DIR / "i18n"
TRANSLATED = ("ja",)
_installed: list[QTranslator] = []


def resolve_language(setting: str) -> str:
    """``system`` -> the system locale's language when translated, else English."""
    if setting != "system":
        return setting
    language = QLocale.system().name().split("_")[0]
    return language if language in TRANSLATED else "en"


def install(language: str) -> str:
    """Switch the application's translator; returns the language in use."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = resolve_language(language)
    if language in TRANSLATED:
        translator = QTranslator()
        if not translator.load(str(I18N_DIR / f"drc_desktop_{language}.qm")):
            return "en"
        qt_translator = QTranslator()
        if qt_translator.load(f"qtbase_{language}", qt_translations_dir()):
            _installed.append(qt_translator)
        _installed.append(translator)
        for installed in _installed:
            app.installTranslator(installed)
    return language


def qt_translations_dir() -> str:
    """Where PySide6 keeps Qt's own translations."""
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
