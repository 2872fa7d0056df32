"""The two long activities of a profile: importing images and composing new ones.

Both run as engine jobs through the session; their widgets only read these models' signals.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.core.progress import Progress
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.model.session import SessionModel


class ImportModel(QObject):
    """Import files and folders into a profile; one result row per file, then a summary."""

    result_added = Signal(str, str, str)  # status, file name, reason
    finished = Signal(dict)  # counts per status
    running_changed = Signal(bool)

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.job: int | None = None

    def start(self, profile_name: str, paths: list[Path]) -> None:
        session = self.session

        def work(should_stop):
            from drc_desktop.core.scan import scan_paths
            from drc_desktop.services.intake import import_files

            profile = session.vault.profiles.get(profile_name)
            model = session.describer(profile.model)
            total = sum(1 for _ in scan_paths(paths))
            counts: dict[str, int] = {}
            started = time.perf_counter()
            results = import_files(session.vault, model, profile.id, paths, should_stop=should_stop)
            for done, result in enumerate(results, start=1):
                counts[result.status.value] = counts.get(result.status.value, 0) + 1
                self.result_added.emit(result.status.value, result.path.name, result.reason)
                elapsed = time.perf_counter() - started
                left = elapsed / done * (total - done)
                text = self.tr("{} of {} files, about {} s left")
                yield Progress(done, total, text.format(done, total, round(left)))
            return counts

        self.running_changed.emit(True)
        self.job = session.run(f"import into {profile_name}", work, self._done, self._cancelled)

    def cancel(self) -> None:
        self.session.cancel(self.job)

    def _done(self, counts: dict) -> None:
        self.running_changed.emit(False)
        self.finished.emit(counts)
        self.session.refresh_profiles()

    def _cancelled(self) -> None:
        self.running_changed.emit(False)
        self.session.refresh_profiles()


@dataclass(frozen=True)
class ComposeSettings:
    """What the compose screen edits (``GenerationRequest`` without the profile)."""

    reference: Path | None = None
    style_strength: float = 1.0
    semantic_strength: float = 1.0
    n: int = 4
    seed: int = 0
    steps: int | None = None
    prompt: str | None = None


class ComposerModel(QObject):
    """Generate from a profile; keep the outputs in the vault; export or add to history."""

    settings_changed = Signal(object)
    outputs_changed = Signal(list)  # list[(output id, PNG bytes)]
    running_changed = Signal(bool)
    notice = Signal(str)

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.settings = ComposeSettings()
        self.outputs: list[tuple[int, bytes]] = []
        self.job: int | None = None

    def update(self, **changes: object) -> None:
        self.settings = replace(self.settings, **changes)
        self.settings_changed.emit(self.settings)

    def new_seed(self) -> None:
        self.update(seed=(self.settings.seed * 1103515245 + 12345) % 2**31)

    def generate(self, profile_name: str) -> None:
        settings = self.settings
        if settings.reference is None:
            self.session.message.emit(self.tr("Choose a reference image first."))
            return
        session = self.session

        def work(should_stop):
            from drc_desktop.core.images import read_image
            from drc_desktop.services.generation import generate_for_profile

            profile = session.vault.profiles.get(profile_name)
            reference = read_image(settings.reference)
            model = session.generator(profile.model)
            request = GenerationRequest(
                profile_id=profile.id, model=profile.model,
                method="auto", n=settings.n,
                seed=settings.seed, steps=settings.steps, style_strength=settings.style_strength,
                semantic_strength=settings.semantic_strength, prompt=settings.prompt,
            )  # fmt: skip
            ids: list[int] = []
            for step, total, result in generate_for_profile(
                session.vault, model, request, reference, should_stop=should_stop
            ):
                if result is None:
                    yield Progress(step, total, self.tr("step {} of {}").format(step, total))
                else:
                    ids = result
            return [(i, session.vault.outputs.get(i).png) for i in ids]

        self.running_changed.emit(True)
        self.job = session.run(
            f"generate for {profile_name}", work, self._generated, self._cancelled
        )

    def cancel(self) -> None:
        if self.job is not None:
            self.session.cancel(self.job)

    def _generated(self, outputs: list) -> None:
        self.outputs = outputs
        self.running_changed.emit(False)
        self.outputs_changed.emit(outputs)
        self.session.refresh_profiles()

    def _cancelled(self) -> None:
        self.running_changed.emit(False)
        self.notice.emit(self.tr("Cancelled: nothing was kept."))

    def export(self, output_ids: list[int], folder: Path) -> None:
        def done(paths: list) -> None:
            self.notice.emit(self.tr("Exported {} image(s) to {}").format(len(paths), folder))

        self.session.export_outputs(output_ids, folder, done)

    def delete(self, output_ids: list[int]) -> None:
        """Delete outputs from the vault and from the results shown."""

        def done(_) -> None:
            self.outputs = [(i, png) for i, png in self.outputs if i not in output_ids]
            self.outputs_changed.emit(self.outputs)

        self.session.change(
            "delete outputs", lambda: self.session.vault.outputs.delete(output_ids), done
        )

    def add_to_history(self, output_ids: list[int], profile_model: str) -> None:
        session = self.session

        def work(should_stop):
            from drc_desktop.services.intake import add_outputs_to_history

            model = session.describer(profile_model)
            return add_outputs_to_history(session.vault, model, output_ids)
            yield

        def done(added: list) -> None:
            self.notice.emit(
                self.tr("Added {} image(s) to the profile's history").format(len(added))
            )
            session.refresh_profiles()

        session.run("add to history", work, done)
