"""The session: the vault (locked, unlocked, none yet), its profiles, and the models in use.

Everything that touches the vault or a model runs as an engine job, on the engine's thread;
this object only keeps what the widgets show and re-emits it as ``<prop>_changed`` signals.
Errors from every job arrive in :attr:`message`, one place, as sentences for a designer.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.engine.worker import Engine
from drc_desktop.store.location import VAULT_FILE, data_home


class VaultState(StrEnum):
    none = "none"  # first run: no vault yet
    locked = "locked"
    unlocked = "unlocked"


class SessionModel(QObject):
    state_changed = Signal(str)
    profiles_changed = Signal(list)  # list[Profile]
    message = Signal(str)  # an error or notice for the user
    busy_changed = Signal(bool)
    progress = Signal(int, int, str)  # done, total, text

    def __init__(self, engine: Engine | None = None, home: Path | None = None) -> None:
        super().__init__()
        self.engine = engine or Engine()
        self.home = home or data_home()
        self.vault = None  # only touched on the engine thread
        self.device_name = "auto"
        self._models: dict[str, object] = {}
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self.profiles: list = []
        self.state = VaultState.locked if (self.home / VAULT_FILE).is_file() else VaultState.none
        self.engine.job_progress.connect(
            lambda _, done, total, text: self.progress.emit(done, total, text)
        )
        self.engine.job_finished.connect(self._on_finished)
        self.engine.job_failed.connect(self._on_failed)
        self.engine.job_cancelled.connect(self._on_cancelled)
        self.engine.busy_changed.connect(self.busy_changed)

    # ------------------------------------------------------------------ jobs

    def run(self, name: str, work, on_done: Callable | None = None,
            on_cancel: Callable | None = None) -> int:  # fmt: skip
        job_id = self.engine.submit(name, work)
        self._callbacks[job_id] = (on_done, on_cancel)
        return job_id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or every job when no id is given."""
        self.engine.cancel(job_id)

    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        self.progress.emit(done, total, text)

    def _on_finished(self, job_id: int, result: object) -> None:
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done is not None:
            on_done(result)

    def _on_failed(self, job_id: int, text: str) -> None:
        self._callbacks.pop(job_id, None)
        self.message.emit(text)

    def _on_cancelled(self, job_id: int) -> None:
        _, on_cancel = self._callbacks.pop(job_id, (None, None))
        if on_cancel is not None:
            on_cancel()

    # ------------------------------------------------------------------ vault

    def create_vault(self, passphrase: str, repeated: str) -> None:
        if passphrase != repeated:
            self.message.emit(self.tr("The two passphrases differ."))
            return

        def work(should_stop):
            from drc_desktop.store.vault import Vault

            self.vault = Vault.create(self.home, passphrase)
            return self.vault.profiles.list()
            yield  # a generator, for the engine

        self.run("create vault", work, self._unlocked)

    def unlock(self, passphrase: str) -> None:
        def work(should_stop):
            from drc_desktop.store.vault import Vault

            self.vault = Vault.unlock(self.home, passphrase)
            return self.vault.profiles.list()
            yield

        self.run("unlock", work, self._unlocked)

    def lock(self) -> None:
        def work(should_stop):
            if self.vault is not None:
                self.vault.close()
            self.vault = None
            self._release_models()
            return None
            yield

        self.run("lock", work, lambda _: self._set_state(VaultState.locked, []))

    def _unlocked(self, profiles: list) -> None:
        self._set_state(VaultState.unlocked, profiles)

    def _set_state(self, state: VaultState, profiles: list) -> None:
        self.state = state
        self.profiles = profiles
        self.state_changed.emit(state.value)
        self.profiles_changed.emit(profiles)

    # ------------------------------------------------------------------ profiles

    def refresh_profiles(self) -> None:
        def work(should_stop):
            return self.vault.profiles.list()
            yield

        self.run("profiles", work, self._profiles_loaded)

    def create_profile(self, name: str, model: str = "drc-mini") -> None:
        def work(should_stop):
            self.vault.profiles.create(name, model)
            return self.vault.profiles.list()
            yield

        self.run("create profile", work, self._profiles_loaded)

    def rename_profile(self, old: str, new: str) -> None:
        def work(should_stop):
            self.vault.profiles.rename(old, new)
            return self.vault.profiles.list()
            yield

        self.run("rename profile", work, self._profiles_loaded)

    def delete_profile(self, name: str) -> None:
        def work(should_stop):
            self.vault.profiles.delete(name)
            return self.vault.profiles.list()
            yield

        self.run("delete profile", work, self._profiles_loaded)

    def _profiles_loaded(self, profiles: list) -> None:
        self.profiles = profiles
        self.profiles_changed.emit(profiles)

    # ------------------------------------------------------------------ models (engine thread)

    def describer(self, name: str):
        """The model's image encoder for import, loaded once per session."""
        key = f"describe:{name}"
        if key not in self._models:
            from drc_desktop.services.models import load_describer

            self._models[key] = load_describer(self.vault, name, self.device_name)
        return self._models[key]

    def _release_models(self) -> None:
        """Drop the loaded models, letting backends stop their threads (engine thread)."""
        for model in self._models.values():
            close = getattr(model, "close", None)  # describers hold no thread
            if close is not None:
                close()
        self._models.clear()

    def generator(self, name: str):
        key = f"generate:{name}"
        if key not in self._models:
            from drc_desktop.services.models import load_generator

            self._models[key] = load_generator(self.vault, name, self.device_name)
        return self._models[key]

    # ------------------------------------------------------------------ vault changes

    def change(self, name: str, change: Callable[[], object], on_done: Callable | None = None):
        """Run ``change()`` (a vault deletion or edit) on the engine, refresh the profiles,
        then call ``on_done(result)``."""

        def work(should_stop):
            return change()
            yield

        def done(result: object) -> None:
            if on_done is not None:
                on_done(result)
            self.refresh_profiles()

        return self.run(name, work, done)

    def export_outputs(self, output_ids: list[int], folder: Path, on_done: Callable) -> int:
        """Write outputs to ``folder`` without metadata; ``on_done(paths)``."""

        def work(should_stop):
            from drc_desktop.store.exports import export_outputs

            return export_outputs(self.vault, output_ids, folder)
            yield

        return self.run("export", work, on_done)

    def use_device(self, name: str) -> None:
        """Models load on ``name`` from the next job on (loaded ones are dropped)."""

        def work(should_stop):
            self.device_name = name
            self._release_models()
            return None
            yield

        self.run("device", work)

    def register_model(self, path: Path, on_done: Callable | None = None) -> None:
        """``drc models add`` from the GUI, with hashing progress."""

        def work(should_stop):
            from drc_desktop.services.models import register

            def progress(name: str, done: int, total: int) -> None:
                self.progress.emit(done // 2**20, max(total // 2**20, 1), f"hashing {name}")

            return register(self.vault, path, progress=progress)
            yield

        self.run("register model", work, on_done)

    def models(self, on_done: Callable) -> None:
        def work(should_stop):
            return [] if self.vault is None else self.vault.models.list()
            yield

        self.run("models", work, on_done)

    def shutdown(self) -> None:
        if self.vault is not None:
            self.lock()
        self.engine.shutdown()
