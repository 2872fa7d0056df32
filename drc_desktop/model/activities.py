"""The two long activities of a profile: importing images and composing new ones.

Both run as engine jobs through the session; their widgets only read these models' signals.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from drc_desktop.core.composition import DEFAULT_IMAGES, DEFAULT_STRENGTH
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
    """What the compose screen edits (``GenerationRequest`` without the profile).

    ``references``: the set's reference files, in order (one generation each, issue 12 §2).
    ``steps`` and ``guidance_scale`` are the backend's defaults for the selected profile once
    they are known (issue 11 §3: what Compose shows is what it sends); ``guidance_scale`` is
    None for a model that reads no text."""

    references: tuple[Path, ...] = ()
    style_strength: float = DEFAULT_STRENGTH
    semantic_strength: float = DEFAULT_STRENGTH
    n: int = DEFAULT_IMAGES
    seed: int = 0
    steps: int | None = None
    guidance_scale: float | None = None
    prompt: str | None = None

    @property
    def reference(self) -> Path | None:
        """The first reference (the only one of a set of one)."""
        return self.references[0] if self.references else None


@dataclass(frozen=True)
class ReferenceRow:
    """One reference of the set in Compose: its thumbnail (PNG, in memory only), the outputs
    made from it (id, PNG bytes) and a note (why it could not be used)."""

    path: Path
    thumbnail: bytes | None = None
    outputs: tuple[tuple[int, bytes], ...] = ()
    note: str = ""


class ComposerModel(QObject):
    """Generate a set from a profile (one row per reference); keep the outputs in the vault;
    export or add to history. The shown defaults come from the selected profile's backend."""

    settings_changed = Signal(object)
    outputs_changed = Signal(list)  # list[(output id, PNG bytes)], every row's, in order
    rows_changed = Signal(list)  # list[ReferenceRow]
    reference_changed = Signal()
    defaults_changed = Signal(object)  # BackendDefaults of the selected profile's model
    stored = Signal(str)  # a generation stored outputs for this profile (the gallery reloads)
    notice = Signal(str)
    _row_finished = Signal(int, list, str)  # from the engine thread: position, outputs, note

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.settings = ComposeSettings()
        self.rows: list[ReferenceRow] = []
        self.outputs: list[tuple[int, bytes]] = []
        self.defaults = None  # BackendDefaults, once loaded for ``defaults_for``
        self.defaults_for: str | None = None  # the profile whose defaults are shown
        self._generating: str | None = None  # the profile of the set being generated
        self._generating_references: tuple[Path, ...] = ()
        self._stored_rows = 0
        self.activity = Activity(session, self.tr("Loading the model…"))
        self.activity.cancelled.connect(self._cancelled)
        self.activity.running_changed.connect(self._running_changed)
        self._row_finished.connect(self._on_row_finished)

    @property
    def reference_thumbnail(self) -> bytes | None:
        """The first reference's thumbnail (PNG), once decoded."""
        return self.rows[0].thumbnail if self.rows else None

    def update(self, **changes: object) -> None:
        if "reference" in changes:  # one reference alone (as callers before sets said it)
            reference = changes.pop("reference")
            changes["references"] = () if reference is None else (reference,)
        self.settings = replace(self.settings, **changes)
        self.settings_changed.emit(self.settings)

    # ------------------------------------------------------------------ the backend's defaults

    def show_profile(self, profile_name: str | None, model_name: str | None) -> None:
        """Show the defaults of ``profile_name``'s model (steps, guidance...), asked of its
        backend on the engine thread; the profile shown before keeps nothing of its own."""
        if profile_name == self.defaults_for or profile_name is None or model_name is None:
            return
        self.defaults_for, self.defaults = profile_name, None
        session = self.session

        def work(should_stop):
            return session.generator(model_name).defaults()
            yield

        def done(defaults) -> None:
            if self.defaults_for != profile_name:
                return
            self.defaults = defaults
            prompt = self.settings.prompt if defaults.prompts else None
            self.update(steps=defaults.steps, guidance_scale=defaults.guidance_scale,
                        prompt=prompt)  # fmt: skip
            self.defaults_changed.emit(defaults)

        def ended(state, message) -> None:
            if self.defaults is None and self.defaults_for == profile_name:
                self.defaults_for = None  # asked again when the profile is shown again

        session.run(f"defaults for {profile_name}", work, done, on_end=ended)

    # ------------------------------------------------------------------ references

    def set_reference(self, path: Path | None) -> None:
        """Use ``path`` alone as the reference (None: no reference)."""
        self.set_references([] if path is None else [path])

    def set_references(self, paths: list[Path]) -> None:
        """Use these files, and the image files of these folders (sorted), as the set's
        references. Their thumbnails are decoded on the engine thread with the safe decoder
        (an unusable file says why now rather than at Generate)."""
        from drc_desktop.core.errors import InputError
        from drc_desktop.core.scan import reference_paths

        if paths:
            try:
                references, skipped = reference_paths(paths)
            except InputError as exc:
                self.notice.emit(str(exc))
                return
            if skipped:
                names = ", ".join(entry.path.name for entry in skipped)
                self.notice.emit(self.tr("Skipped (not images): {}").format(names))
        else:
            references = []
        self.update(references=tuple(references))
        self._set_rows([ReferenceRow(path) for path in references])
        self.reference_changed.emit()
        if not references:
            return
        chosen = self.settings.references

        def work(should_stop):
            from drc_desktop.core.images import encode_png, read_image

            thumbnails = []
            for path in chosen:
                try:
                    image = read_image(path)
                except InputError as exc:
                    thumbnails.append((None, str(exc)))
                    continue
                image.thumbnail((REFERENCE_THUMBNAIL, REFERENCE_THUMBNAIL))
                thumbnails.append((encode_png(image), ""))
            return thumbnails
            yield

        def done(thumbnails: list) -> None:
            if self.settings.references != chosen:
                return
            pairs = zip(self.rows, thumbnails, strict=True)
            rows = [replace(row, thumbnail=picture, note=note) for row, (picture, note) in pairs]
            self._set_rows(rows)
            self.reference_changed.emit()
            notes = [note for _, note in thumbnails if note]
            if notes:
                self.notice.emit(" ".join(notes))

        self.session.run("reference thumbnails", work, done)

    def _set_rows(self, rows: list[ReferenceRow]) -> None:
        outputs = [output for row in rows for output in row.outputs]
        self.rows = rows
        self.rows_changed.emit(rows)
        if outputs != self.outputs:
            self.outputs = outputs
            self.outputs_changed.emit(outputs)

    def clear(self) -> None:
        """Forget every image held (auto-lock)."""
        self.defaults_for, self.defaults = None, None
        self.set_reference(None)

    def new_seed(self) -> None:
        self.update(seed=(self.settings.seed * 1103515245 + 12345) % 2**31)

    # ------------------------------------------------------------------ generation

    def generate(self, profile_name: str) -> None:
        """Generate the set: ``n`` images per reference, one job, each reference's images
        shown (and stored) as soon as they are made."""
        settings = self.settings
        if not settings.references:
            self.session.message.emit(self.tr("Choose a reference image first."))
            return
        session = self.session
        count = len(settings.references)

        def work(should_stop):
            from drc_desktop.services.generation import generate_set

            profile = session.vault.profiles.get(profile_name)
            model = session.generator(profile.model)
            request = GenerationRequest(
                profile_id=profile.id, model=profile.model,
                method="auto", n=settings.n, seed=settings.seed, steps=settings.steps,
                guidance_scale=settings.guidance_scale, style_strength=settings.style_strength,
                semantic_strength=settings.semantic_strength, prompt=settings.prompt,
            )  # fmt: skip
            set_id = None
            for step in generate_set(session.vault, model, request, settings.references,
                                     should_stop=should_stop):  # fmt: skip
                set_id = step.set_id
                if step.rejected is not None:
                    self._row_finished.emit(step.position, [], step.rejected)
                elif step.output_ids is not None:
                    outputs = [(i, session.vault.outputs.get(i).png) for i in step.output_ids]
                    self._row_finished.emit(step.position, outputs, "")
                    yield self._progress(step.position, count, step.step, step.total)
                else:
                    yield self._progress(step.position, count, step.step, step.total)
            return set_id

        if self.activity.running:
            return
        self._generating, self._stored_rows = profile_name, 0
        self._generating_references = settings.references
        shown = {row.path: row for row in self.rows}
        self._set_rows([replace(shown.get(path, ReferenceRow(path)), outputs=(), note="")
                        for path in settings.references])  # fmt: skip
        self.activity.start(f"generate for {profile_name}", work)

    def _progress(self, position: int, count: int, step: int, total: int) -> Progress:
        """Progress over the whole set: "reference 2 of 5 · step 7 of 20"."""
        text = self.tr("step {} of {}").format(step, total)
        if count > 1:
            text = self.tr("reference {} of {} · {}").format(position + 1, count, text)
        return Progress(position * total + step, count * total, text)

    def _on_row_finished(self, position: int, outputs: list, note: str) -> None:
        self._stored_rows += bool(outputs)
        if self.settings.references != self._generating_references:
            return  # other references were chosen meanwhile: the gallery shows these
        rows = list(self.rows)
        rows[position] = replace(rows[position], outputs=tuple(outputs), note=note)
        self._set_rows(rows)
        if note:
            self.notice.emit(note)

    def _cancelled(self) -> None:
        if self._stored_rows:
            text = self.tr("Cancelled: the images of {} of {} references were kept.")
            self.notice.emit(text.format(self._stored_rows, len(self._generating_references)))
        else:
            self.notice.emit(self.tr("Cancelled: nothing was kept."))

    def _running_changed(self, running: bool) -> None:
        """After a set, whatever its end: what it stored shows in the gallery."""
        if running or self._generating is None:
            return
        profile_name, self._generating = self._generating, None
        if self._stored_rows:
            self.stored.emit(profile_name)
            self.session.refresh_profiles()

    def cancel(self) -> None:
        self.activity.cancel()

    def export(self, output_ids: list[int], folder: Path, scale: int = 1) -> None:
        def done(paths: list) -> None:
            self.notice.emit(self.tr("Exported {} image(s) to {}").format(len(paths), folder))

        self.session.export_outputs(output_ids, folder, done, scale)

    def delete(self, output_ids: list[int]) -> None:
        """Delete outputs from the vault and from the results shown."""

        def done(_) -> None:
            self._set_rows([
                replace(row, outputs=tuple(o for o in row.outputs if o[0] not in output_ids))
                for row in self.rows
            ])  # fmt: skip

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
