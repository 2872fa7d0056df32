"""The session: the vault (locked, unlocked, none yet), its profiles, and the models in use.

Everything that touches the vault or a model runs as an engine job, on the engine's thread;
this object only keeps what the widgets show and re-emits it as ``<prop>_changed`` signals.
Errors from every job arrive in :attr:`message`, one place, as sentences for a designer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.engine.worker import Engine, JobState
from drc_desktop.store.location import VAULT_FILE, data_home


class VaultState(StrEnum):
    none = "none"  # first run: no vault yet
    locked = "locked"
    unlocked = "unlocked"


@dataclass(frozen=True)
class JobCallbacks:
    """What a job's submitter hears: ``on_done(result)`` when it finishes, ``on_progress(done,
    total, text)`` for its own progress, ``on_end(state, message)`` after it ends whatever the
    end (message: the error's sentence when it failed)."""

    on_done: Callable | None = None
    on_end: Callable | None = None
    on_progress: Callable | None = None


class SessionModel(QObject):
    state_changed = Signal(str)
    profiles_changed = Signal(list)  # list[Profile]
    message = Signal(str)  # an error or notice for the user
    busy_changed = Signal(bool)

    def __init__(self, engine: Engine | None = None, home: Path | None = None) -> None:
        super().__init__()
        self.engine = engine or Engine()
        self.home = home or data_home()
        self.vault = None  # only touched on the engine thread
        self.device_name = "auto"
        self._models: dict[str, object] = {}
        self._callbacks: dict[int, JobCallbacks] = {}
        self.profiles: list = []
        self.reimport_reasons: dict[int, str] = {}
        self.selected_profile: str | None = None  # the profile the views show, by name
        self.state = VaultState.locked if (self.home / VAULT_FILE).is_file() else VaultState.none
        self._failures: dict[int, str] = {}
        self.engine.job_progress.connect(self._on_progress)
        self.engine.job_finished.connect(self._on_finished)
        self.engine.job_failed.connect(self._on_failed)
        self.engine.job_ended.connect(self._on_ended)
        self.engine.busy_changed.connect(self.busy_changed)

    # ------------------------------------------------------------------ jobs

    def run(self, name: str, work, on_done: Callable | None = None, *,
            on_end: Callable | None = None,
            on_progress: Callable | None = None) -> int:  # fmt: skip
        """Submit ``work`` to the engine; see :class:`JobCallbacks`. A failure's message also
        goes to :attr:`message`."""
        job_id = self.engine.submit(name, work)
        self._callbacks[job_id] = JobCallbacks(on_done, on_end, on_progress)
        return job_id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job, or every job when no id is given."""
        self.engine.cancel(job_id)

    def _on_progress(self, job_id: int, done: int, total: int, text: str) -> None:
        callbacks = self._callbacks.get(job_id)
        if callbacks is not None and callbacks.on_progress is not None:
            callbacks.on_progress(done, total, text)

    def _on_finished(self, job_id: int, result: object) -> None:
        callbacks = self._callbacks.get(job_id)
        if callbacks is not None and callbacks.on_done is not None:
            callbacks.on_done(result)

    def _on_failed(self, job_id: int, text: str) -> None:
        self._failures[job_id] = text
        self.message.emit(text)

    def _on_ended(self, job_id: int, state: str) -> None:
        callbacks = self._callbacks.pop(job_id, None)
        message = self._failures.pop(job_id, None)
        if callbacks is not None and callbacks.on_end is not None:
            callbacks.on_end(JobState(state), message)

    # ------------------------------------------------------------------ vault

    def create_vault(self, passphrase: str, repeated: str) -> None:
        if passphrase != repeated:
            self.message.emit(self.tr("The two passphrases differ."))
            return

        def work(should_stop):
            from drc_desktop.store.vault import Vault

            self.vault = Vault.create(self.home, passphrase)
            return self._list_profiles()
            yield  # a generator, for the engine

        self.run("create vault", work, self._unlocked)

    def unlock(self, passphrase: str) -> None:
        def work(should_stop):
            from drc_desktop.store.vault import Vault

            self.vault = Vault.unlock(self.home, passphrase)
            return self._list_profiles()
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
        if state != VaultState.unlocked:
            self.selected_profile = None
        self.profiles = profiles
        self.state_changed.emit(state.value)
        self.profiles_changed.emit(profiles)

    # ------------------------------------------------------------------ profiles

    def refresh_profiles(self) -> None:
        if self.state != VaultState.unlocked:
            return

        def work(should_stop):
            return None if self.vault is None else self._list_profiles()
            yield

        self.run("profiles", work, self._profiles_loaded)

    def create_profile(self, name: str, model: str = "drc-mini") -> None:
        def work(should_stop):
            self.vault.profiles.create(name, model)
            return self._list_profiles()
            yield

        self.run("create profile", work, lambda profiles: self._profiles_loaded(profiles, name))

    def rename_profile(self, old: str, new: str) -> None:
        def work(should_stop):
            self.vault.profiles.rename(old, new)
            return self._list_profiles()
            yield

        self.run("rename profile", work, lambda profiles: self._profiles_loaded(profiles, new))

    def delete_profile(self, name: str) -> None:
        def work(should_stop):
            self.vault.profiles.delete(name)
            return self._list_profiles()
            yield

        self.run("delete profile", work, self._profiles_loaded)

    def _list_profiles(self) -> list:
        """The vault's profiles (engine thread), and which need their images imported again
        (``reimport_reasons``: profile id -> reason, e.g. made with drc-mini v1)."""
        from drc_desktop.services.compatibility import profile_reimport_reasons

        profiles = self.vault.profiles.list()
        self.reimport_reasons = profile_reimport_reasons(self.vault)
        return profiles

    def _profiles_loaded(self, profiles: list | None, select: str | None = None) -> None:
        """``select``: a profile just created or renamed, shown from now on (issue 12)."""
        if profiles is None:  # the vault was locked meanwhile
            return
        if select is not None:
            self.selected_profile = select
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

    def export_outputs(self, output_ids: list[int], folder: Path, on_done: Callable,
                       scale: int = 1) -> int:  # fmt: skip
        """Write outputs to ``folder`` without metadata, ``scale`` times their size (built-in
        model stickers by nearest neighbour, so their pixels stay crisp); ``on_done(paths)``."""

        def work(should_stop):
            from drc_desktop.store.exports import export_outputs

            if scale == 1:
                return export_outputs(self.vault, output_ids, folder)
            return export_scaled(self.vault, output_ids, folder, scale)
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

    def registration(self, path: Path, report: Callable[[int, int, str], None]):
        """The work of ``drc models add`` from the GUI, hashing progress sent to
        ``report(done MiB, total MiB, text)``; run it as an activity's job."""

        def work(should_stop):
            from drc_desktop.services.models import register

            def progress(name: str, done: int, total: int) -> None:
                text = self.tr("checking {}").format(name)
                report(done // 2**20, max(total // 2**20, 1), text)

            return register(self.vault, path, progress=progress)
            yield

        return work

    def models(self, on_done: Callable) -> None:
        def work(should_stop):
            return [] if self.vault is None else self.vault.models.list()
            yield

        self.run("models", work, on_done)

    def shutdown(self) -> None:
        if self.vault is not None:
            self.lock()
        self.engine.shutdown()


def export_scaled(vault, output_ids: list[int], folder: Path, scale: int) -> list[Path]:
    """Like ``store.exports.export_outputs`` (neutral names, no file replaced, no metadata),
    with each image enlarged ``scale`` times: nearest neighbour for the built-in model's
    stickers, Lanczos for Stable Diffusion images."""
    from PIL import Image

    from drc_desktop.core.errors import InputError
    from drc_desktop.core.images import decode_image, encode_png
    from drc_desktop.core.requests import BUILTIN_MODEL
    from drc_desktop.store.exports import EXPORT_NAME

    outputs = [vault.outputs.get(output_id) for output_id in output_ids]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create folder ({exc.strerror or exc})") from None
    written, number = [], 1
    for output in outputs:
        image = decode_image(output.png, f"output {output.id}")
        nearest = output.request.model == BUILTIN_MODEL
        resample = Image.Resampling.NEAREST if nearest else Image.Resampling.LANCZOS
        image = image.resize((image.width * scale, image.height * scale), resample)
        while (folder / EXPORT_NAME.format(number)).exists():
            number += 1
        path = folder / EXPORT_NAME.format(number)
        try:
            with open(path, "xb") as file:
                file.write(encode_png(image))
        except OSError as exc:
            raise InputError(f"{path}: cannot write file ({exc.strerror or exc})") from None
        written.append(path)
    vault.outputs.record_export(outputs)
    return written
