"""The app's settings, each declared once (default, allowed values, label), stored as JSON in
the data folder. No folder paths are remembered (DESIGN.md §4). A bad stored value falls
back to its default with a line on stderr."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.core.composition import DEVICE_CHOICES

SETTINGS_FILE = "settings.json"
LANGUAGES = {"system": "System language", "en": "English", "ja": "日本語"}


@dataclass(frozen=True)
class Setting:
    name: str
    label: str
    default: object
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: object) -> object:
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"{self.name}: {value!r} is not one of {self.choices}")
        if self.minimum is not None and not (self.minimum <= float(value) <= self.maximum):
            raise ValueError(f"{self.name}: {value!r} is outside {self.minimum}-{self.maximum}")
        return value


SETTINGS = (
    Setting("auto_lock_minutes", "Lock after minutes without use", 15, minimum=1, maximum=240),
    Setting("device", "Run on", "auto", choices=DEVICE_CHOICES),
    Setting("language", "Language", "system", choices=tuple(LANGUAGES)),
)


class SettingsModel(QObject):
    changed = Signal(str, object)  # name, value

    def __init__(self, home: Path) -> None:
        super().__init__()
        self.path = home / SETTINGS_FILE
        self.values = {s.name: s.default for s in SETTINGS}
        stored = self._read()
        for setting in SETTINGS:
            if setting.name in stored:
                try:
                    self.values[setting.name] = setting.check(stored[setting.name])
                except (ValueError, TypeError) as exc:
                    print(
                        f"drc-desktop: settings: {exc}; using {setting.default!r}", file=sys.stderr
                    )

    def get(self, name: str) -> object:
        return self.values[name]

    def set(self, name: str, value: object) -> None:
        setting = next(s for s in SETTINGS if s.name == name)
        self.values[name] = setting.check(value)
        self._write()
        self.changed.emit(name, value)

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text())
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _write(self) -> None:
        if self.path.parent.exists():  # never creates the data folder on its own
            self.path.write_text(json.dumps(self.values, indent=2) + "\n")
