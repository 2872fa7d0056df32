"""A profile's contents: its history (with a 2-D map of its vectors) and its gallery."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from drc_desktop.core.progress import Progress
from drc_desktop.model.activity import Activity
from drc_desktop.model.rebuilt_history import RebuiltHistoryModel
from drc_desktop.model.session import SessionModel
from drc_desktop.model.undo import UndoModel

PREVIEW_IMAGES = 4


@dataclass(frozen=True)
class ProfileDetails:
    name: str
    model: str
    encoders: tuple[str, ...]
    items: list[tuple[int, str, int | None]]  # id, imported at, source output id
    style_points: np.ndarray  # [N, 2]
    semantic_points: np.ndarray  # [N, 2]
    rebuild_on_sight: bool = False  # its model rebuilds shown items unasked (issue 12 §2)


def project_2d(style: np.ndarray, semantics: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sets of flattened vectors ``[N, F]`` in one 2-D PCA space (shared axes and scale),
    so a profile's style points cluster while its semantic points spread."""
    if len(style) == 0:
        return np.zeros((0, 2)), np.zeros((0, 2))
    both = np.concatenate([style, semantics]).astype(np.float64)
    centred = both - both.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    points = centred @ axes[:2].T if len(axes) >= 2 else np.pad(centred @ axes.T, ((0, 0), (0, 1)))
    return points[: len(style)], points[len(style) :]


def _flattened(items: list, part: str) -> np.ndarray:
    """``[N, F]``: each item's ``style`` or ``semantics`` vectors, flattened."""
    if not items:
        return np.zeros(0)
    return np.stack([getattr(item.vectors, part).reshape(-1) for item in items])


class ProfileModel(QObject):
    """What the Profile tab shows; kept here so a rebuilt tab shows it again (issue 12)."""

    details_changed = Signal(object)  # ProfileDetails
    preview_changed = Signal(list)  # PNG bytes of the style preview

    def __init__(self, session: SessionModel, undo: UndoModel) -> None:
        super().__init__()
        self.session = session
        self.undo = undo
        self.details: ProfileDetails | None = None
        self.preview: list[bytes] = []
        self.preview_profile: str | None = None
        self.preview_activity = Activity(session, self.tr("Loading the model…"))
        self.rebuilt = RebuiltHistoryModel(session)
        self.details_changed.connect(self._keep_details)

    def _keep_details(self, details: ProfileDetails) -> None:
        self.details = details
        if details.name != self.preview_profile:
            self._set_preview(None, [])

    def _set_preview(self, profile_name: str | None, images: list) -> None:
        self.preview_profile, self.preview = profile_name, images
        self.preview_changed.emit(images)

    def clear(self) -> None:
        """Forget what was shown (auto-lock), the rebuilt history pictures too."""
        self.details = None
        self._set_preview(None, [])
        self.rebuilt.clear()

    def load(self, profile_name: str) -> None:
        session = self.session

        def work(should_stop):
            from drc_desktop.services.rebuilt_history import rebuilds_on_sight

            profile = session.vault.profiles.get(profile_name)
            items = session.vault.history.list(profile.id)
            style_points, semantic_points = project_2d(
                _flattened(items, "style"), _flattened(items, "semantics")
            )
            return ProfileDetails(
                profile.name, profile.model, tuple(sorted({i.vectors.encoder for i in items})),
                [(i.id, i.imported_at, i.source_output_id) for i in items],
                style_points, semantic_points, rebuilds_on_sight(profile.model),
            )  # fmt: skip
            yield

        session.run(f"profile {profile_name}", work, self.details_changed.emit)

    def remove_item(self, profile_name: str, item_id: int) -> None:
        """Remove one item from the history; it can be put back for a while (``undo``)."""
        vault = lambda: self.session.vault  # noqa: E731 (the vault of the moment, on the engine)

        def remove():
            item = next(i for i in vault().history.list(vault().profiles.get(profile_name).id)
                        if i.id == item_id)  # fmt: skip
            content_hash = vault().history.content_hash(item_id)
            vault().history.remove(item_id)
            return item, content_hash

        def restore(item, content_hash):
            return vault().history.add(
                item.profile_id, item.vectors, content_hash, label=item.label,
                source_output_id=item.source_output_id,
            )  # fmt: skip

        def removed(result) -> None:
            item, content_hash = result
            self.undo.offer(
                self.tr("Removed image {} from the history.").format(item_id),
                lambda: restore(item, content_hash),
                lambda _: self.load(profile_name),
            )
            self.load(profile_name)

        self.session.change("remove history item", remove, removed)

    def style_preview(self, profile_name: str) -> None:
        """A few images from the profile's style alone (semantic strength 0); not stored."""
        session = self.session

        def work(should_stop):
            from drc_desktop.core.images import encode_png
            from drc_desktop.services.generation import style_preview

            profile = session.vault.profiles.get(profile_name)
            model = session.generator(profile.model)
            images: list = []
            for step in style_preview(session.vault, model, profile.id, PREVIEW_IMAGES,
                                      should_stop=should_stop):  # fmt: skip
                if step.images is None:
                    text = self.tr("step {} of {}").format(step.step, step.total)
                    yield Progress(step.step, step.total, text)
                else:
                    images = step.images
            return [encode_png(image.resize((128, 128))) for image in images]

        self.preview_activity.start(
            "style preview", work, lambda images: self._set_preview(profile_name, images)
        )


@dataclass(frozen=True)
class AgainOutcome:
    """What "Generate again" made: the new output's id, or ``history_changed``: why the same
    pixels cannot be made (the profile's history changed since), nothing made."""

    output_id: int | None = None
    history_changed: str = ""


class GalleryModel(QObject):
    """A profile's outputs, kept in sets of assets (one run over several references), each of
    which can be exported together; any output can be generated again."""

    outputs_changed = Signal(list)  # [(id, created at, request, png, set id, set position)]
    notice = Signal(str)
    history_changed = Signal(int, str)  # output id, why: ask whether to use the history now

    def __init__(self, session: SessionModel, undo: UndoModel) -> None:
        super().__init__()
        self.session = session
        self.undo = undo
        self.outputs: list = []
        self.again_activity = Activity(session, self.tr("Loading the model…"))
        self.again_activity.failed.connect(self.notice.emit)
        self.again_activity.cancelled.connect(
            lambda: self.notice.emit(self.tr("Cancelled: nothing was kept."))
        )
        self.again_activity.running_changed.connect(self._again_ended)
        self._question: tuple[int, str] | None = None  # asked once the job has ended
        self.outputs_changed.connect(self._keep)

    def _keep(self, outputs: list) -> None:
        self.outputs = outputs

    def clear(self) -> None:
        self.outputs_changed.emit([])

    def load(self, profile_name: str) -> None:
        session = self.session

        def work(should_stop):
            profile = session.vault.profiles.get(profile_name)
            listed = session.vault.outputs.list(profile.id, with_png=True)
            return [(o.id, o.created_at, o.request, o.png, o.set_id, o.set_position)
                    for o in listed]  # fmt: skip
            yield

        session.run(f"gallery {profile_name}", work, self.outputs_changed.emit)

    def delete(self, profile_name: str, output_ids: list[int]) -> None:
        """Delete outputs; they can be put back for a while (``undo``)."""
        delete_outputs(self.session, self.undo, output_ids, lambda _: self.load(profile_name))

    def export(self, output_ids: list[int], folder: Path, scale: int = 1) -> None:
        def done(paths: list) -> None:
            self.notice.emit(self.tr("Exported {} image(s) to {}").format(len(paths), folder))

        self.session.export_outputs(output_ids, folder, done, scale)

    def export_set(self, set_id: int, folder: Path) -> None:
        """Write a set: a folder per reference and a contact sheet (issue 12 §2)."""
        session = self.session

        def work(should_stop):
            from drc_desktop.store.exports import export_set

            return export_set(session.vault, set_id, folder)
            yield

        def done(written) -> None:
            count = sum(len(files) for files in written.files)
            text = self.tr("Exported the set ({} image(s), one folder per reference) and its "
                           "contact sheet {} to {}")  # fmt: skip
            self.notice.emit(text.format(count, written.contact_sheet.name, folder))

        session.run("export set", work, done)

    def generate_again(self, profile_name: str, output_id: int, current_history: bool = False):
        """Make an output again from its stored request (same pixels, as a new output). When a
        model file changed or is missing the job fails saying which; when the profile's
        history changed since, ``history_changed`` asks first (``current_history`` then
        generates from the history as it is now)."""
        session = self.session

        def work(should_stop):
            from drc_desktop.core.errors import HistoryChangedError, ModelError
            from drc_desktop.services.generation import regenerate

            request = session.vault.outputs.get(output_id).request
            try:
                model = session.generator(request.model)
            except ModelError as exc:
                text = self.tr("Image {} cannot be made again: {}")
                raise ModelError(text.format(output_id, exc)) from None
            new_ids: list[int] = []
            try:
                for step, total, ids in regenerate(session.vault, model, output_id,
                                                   current_history=current_history,
                                                   should_stop=should_stop):  # fmt: skip
                    if ids is None:
                        yield Progress(step, total, self.tr("step {} of {}").format(step, total))
                    else:
                        new_ids = ids
            except HistoryChangedError:
                return AgainOutcome(history_changed=self.tr(
                    "The profile's history changed since image {} was made (images were added "
                    "or removed), so the same pixels cannot be made again. Generate it from the "
                    "current history instead?"
                ).format(output_id))  # fmt: skip
            return AgainOutcome(new_ids[0] if new_ids else None)

        def done(outcome: AgainOutcome) -> None:
            if outcome.history_changed:  # asked when the activity is idle, to start again
                self._question = (output_id, outcome.history_changed)
                return
            if outcome.output_id is None:
                return
            self.notice.emit(self.tr("Generated again as image {}").format(outcome.output_id))
            self.load(profile_name)
            session.refresh_profiles()

        self.again_activity.start(f"generate {output_id} again", work, done)

    def _again_ended(self, running: bool) -> None:
        if not running and self._question is not None:
            question, self._question = self._question, None
            # from the event loop, not from inside the engine's end of job: the answer may
            # start the next job, and the question may be a modal dialog
            QTimer.singleShot(0, lambda: self.history_changed.emit(*question))


def delete_outputs(session: SessionModel, undo: UndoModel, output_ids: list[int],
                   on_change) -> None:  # fmt: skip
    """Delete outputs from the vault, offering their undo (they come back with new ids, as
    the newest); ``on_change(_)`` after the deletion and after an undo."""

    def delete():
        rows = [session.vault.outputs.get(output_id) for output_id in output_ids]
        session.vault.outputs.delete(output_ids)
        return rows

    def restore(rows):  # back with what they were made from, in their set
        return [
            session.vault.outputs.add(
                o.png, o.width, o.height, o.request, reference_features=o.reference_features,
                history_digest=o.history_digest, set_id=o.set_id, set_position=o.set_position,
            )
            for o in rows
        ]  # fmt: skip

    def deleted(rows) -> None:
        text = QCoreApplication.translate("Undo", "Deleted {} image(s).").format(len(rows))
        undo.offer(text, lambda: restore(rows), on_change)
        on_change(None)

    session.change("delete outputs", delete, deleted)
