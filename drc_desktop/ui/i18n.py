"""The interface language: compiled Qt translations (``resources/i18n/*.qm``)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

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
        if translator.load(str(I18N_DIR / f"drc_desktop_{language}.qm")):
            app.installTranslator(translator)
            _installed.append(translator)
        else:
            return "en"
    return language
