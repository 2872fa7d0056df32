"""The import's reasons (why a file was rejected, skipped or noted) in the interface language.

The reasons come from ``core`` and ``ml`` in English; the ones the app knows are matched here
and translated, with their numbers kept; any other reason is shown as it is.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

_CONTEXT = "ImportReason"
_KNOWN = (
    (r"already in this profile", QT_TRANSLATE_NOOP("ImportReason", "already in this profile")),
    (r"no such file or folder", QT_TRANSLATE_NOOP("ImportReason", "no such file or folder")),
    (r"system file", QT_TRANSLATE_NOOP("ImportReason", "system file")),
    (r"hidden file", QT_TRANSLATE_NOOP("ImportReason", "hidden file")),
    (r"system folder", QT_TRANSLATE_NOOP("ImportReason", "system folder")),
    (r"hidden folder", QT_TRANSLATE_NOOP("ImportReason", "hidden folder")),
    (r"not a regular file", QT_TRANSLATE_NOOP("ImportReason", "not a regular file")),
    (r"not an image by name", QT_TRANSLATE_NOOP("ImportReason", "not an image by name")),
    (r"file is empty", QT_TRANSLATE_NOOP("ImportReason", "file is empty")),
    (r"truncated or corrupt image data",
     QT_TRANSLATE_NOOP("ImportReason", "truncated or corrupt image data")),
    (r"floating-point images are not supported",
     QT_TRANSLATE_NOOP("ImportReason", "floating-point images are not supported")),
    (r"not an image in a supported format \((.+)\)",
     QT_TRANSLATE_NOOP("ImportReason", "not an image in a supported format ({})")),
    (r"file is over the limit of ([\d,]+) bytes",
     QT_TRANSLATE_NOOP("ImportReason", "file is over the limit of {} bytes")),
    (r"image is (\d+) x (\d+) pixels, over the limit of ([\d,]+)",
     QT_TRANSLATE_NOOP("ImportReason", "image is {} x {} pixels, over the limit of {}")),
    (r"image is too large to decode safely.*",
     QT_TRANSLATE_NOOP("ImportReason", "image is too large to decode safely")),
    (r"image has no pixels \((\d+) x (\d+)\)",
     QT_TRANSLATE_NOOP("ImportReason", "image has no pixels ({} x {})")),
    (r"unsupported pixel mode (\S+)",
     QT_TRANSLATE_NOOP("ImportReason", "unsupported pixel mode {}")),
    (r"cannot read file \((.+)\)", QT_TRANSLATE_NOOP("ImportReason", "cannot read file ({})")),
    (r"very small image \((\d+) x (\d+) px\): its style may not show",
     QT_TRANSLATE_NOOP("ImportReason", "very small image ({} x {} px): its style may not show")),
    (r"very large image \((\d+) x (\d+) px\): described from a reduced copy",
     QT_TRANSLATE_NOOP("ImportReason", "very large image ({} x {} px): described from a "
                                       "reduced copy")),
)  # fmt: skip


def translate_reason(reason: str) -> str:
    for pattern, text in _KNOWN:
        match = re.fullmatch(pattern, reason)
        if match:
            return QCoreApplication.translate(_CONTEXT, text).format(*match.groups())
    return reason
