"""The two long activities of a profile: importing images and composing new ones.

Both run as engine jobs through the session; their widgets only read these models' signals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.core.progress import Progress
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.model.activity import Activity
from drc_desktop.model.session import SessionModel


class ImportModel(QObject):
    """Import files and folders into a profile; one result row per file, then a summary.

    The log (rows and summary) belongs to one profile: it is kept across a language switch
    and cleared when another profile is shown (issue 12)."""

    result_added = Signal(str, str, str)  # status, file name, reason
    finished = Signal(dict)  # counts per status
    log_cleared = Signal()

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.activity = Activity(session, self.tr("Loading the model…"))
        self.profile_name: str | None = None  # whose log this is
        self.rows: list[tuple[str, str, str]] = []
        self.counts: dict[str, int] | None = None  # of the last import that finished
        # whatever the end, the profile's count shows what was stored (an interrupted
        # import keeps the files it finished)
        self.activity.running_changed.connect(lambda running: running or session.refresh_profiles())
        self.result_added.connect(lambda *row: self.rows.append(row))

    def show_profile(self, profile_name: str | None) -> None:
        """The log of another profile starts empty (a running import keeps its own)."""
        if profile_name != self.profile_name and not self.activity.running:
            self.profile_name = profile_name
            self.clear()

    def clear(self) -> None:
        self.rows = []
        self.counts = None
        self.log_cleared.emit()

    def start(self, profile_name: str, paths: list[Path]) -> None:
        session = self.session
        self.profile_name = profile_name
        self.clear()

        def work(should_stop):
            from drc_desktop.core.scan import scan_paths
            from drc_desktop.services.intake import import_files

            profile = session.vault.profiles.get(profile_name)
            model = session.describer(profile.model)
            total = sum(1 for _ in scan_paths(paths))
            counts: dict[str, int] = {}
            results = import_files(session.vault, model, profile.id, paths, should_stop=should_stop)
            for done, result in enumerate(results, start=1):
                counts[result.status.value] = counts.get(result.status.value, 0) + 1
                reason = result.reason
                if result.status.value == "imported":
                    reason = size_note(result.path)
                self.result_added.emit(result.status.value, result.path.name, reason)
                yield Progress(done, total, self.tr("{} of {} files").format(done, total))
            return counts

        self.activity.start(f"import into {profile_name}", work, self._finished)

    def cancel(self) -> None:
        self.activity.cancel()

    def _finished(self, counts: dict) -> None:
        self.counts = counts
        self.finished.emit(counts)


SMALL_SIDE = 16
"""Images with a side under this many pixels are imported with a note: too little to show a
style reliably (issue 12: very small and very large images are reported, not silent)."""

LARGE_SIDE = 4096
"""Images with a side over this are imported with a note: only a reduced copy is described."""


def size_note(path: Path) -> str:
    """A note on an imported image's size, or "" (the header is read again, nothing else)."""
    from PIL import Image

    from drc_desktop.core.images import ALLOWED_FORMATS

    try:
        with Image.open(path, formats=ALLOWED_FORMATS) as image:
            width, height = image.size
    except Exception:  # it was just decoded by the import; a race changes nothing stored
        return ""
    if min(width, height) < SMALL_SIDE:
        return f"very small image ({width} x {height} px): its style may not show"
    if max(width, height) > LARGE_SIDE:
        return f"very large image ({width} x {height} px): described from a reduced copy"
    return ""


REFERENCE_THUMBNAIL = 128


@dataclass(frozen=True)
class ComposeSettings:
    """What the compose screen edits (``GenerationRequest`` without the profile)."""

    reference: Path | None = None
    style_strength: float = 1.0
    semantic_strength: float = 1.0
    n: int = 4
    seed: int = 0
    steps: int = 20
    prompt: str | None = None


class ComposerModel(QObject):
    """Generate from a profile; keep the outputs in the vault; export or add to history."""

    settings_changed = Signal(object)
    outputs_changed = Signal(list)  # list[(output id, PNG bytes)]
    reference_changed = Signal()
    notice = Signal(str)

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.settings = ComposeSettings()
        self.outputs: list[tuple[int, bytes]] = []
        self.reference_thumbnail: bytes | None = None  # PNG, in memory only, dropped on lock
        self.activity = Activity(session, self.tr("Loading the model…"))
        self.activity.cancelled.connect(
            lambda: self.notice.emit(self.tr("Cancelled: nothing was kept."))
        )

    def update(self, **changes: object) -> None:
        self.settings = replace(self.settings, **changes)
        self.settings_changed.emit(self.settings)

    def set_reference(self, path: Path | None) -> None:
        """Use ``path`` as the reference; its thumbnail is decoded on the engine thread (with
        the safe decoder; an unusable file says why now rather than at Generate)."""
        self.update(reference=path)
        self.reference_thumbnail = None
        self.reference_changed.emit()
        if path is None:
            return

        def work(should_stop):
            from drc_desktop.core.images import encode_png, read_image

            image = read_image(path)
            image.thumbnail((REFERENCE_THUMBNAIL, REFERENCE_THUMBNAIL))
            return encode_png(image)
            yield

        def done(thumbnail: bytes) -> None:
            if self.settings.reference == path:
                self.reference_thumbnail = thumbnail
                self.reference_changed.emit()

        def ended(state, message) -> None:
            if message and self.settings.reference == path:
                self.notice.emit(message)

        self.session.run("reference thumbnail", work, done, on_end=ended)

    def clear(self) -> None:
        """Forget every image held (auto-lock)."""
        self.outputs = []
        self.outputs_changed.emit([])
        self.set_reference(None)

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

        self.activity.start(f"generate for {profile_name}", work, self._generated)

    def cancel(self) -> None:
        self.activity.cancel()

    def _generated(self, outputs: list) -> None:
        self.outputs = outputs
        self.outputs_changed.emit(outputs)
        self.session.refresh_profiles()

    def export(self, output_ids: list[int], folder: Path, scale: int = 1) -> None:
        def done(paths: list) -> None:
            self.notice.emit(self.tr("Exported {} image(s) to {}").format(len(paths), folder))

        self.session.export_outputs(output_ids, folder, done, scale)

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
