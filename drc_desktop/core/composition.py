"""Settings of a composition shared by every backend, the CLI and (later) the GUI.

Strengths use one range for every backend (docs/method.md, "Two strengths"): 0 ignores that
part, 1 is the model's default guidance, 2 doubles it.
"""

from __future__ import annotations

STRENGTH_RANGE = (0.0, 2.0)
DEFAULT_STRENGTH = 1.0
DEFAULT_IMAGES = 4
DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
EVAL_CASES_PER_CELL = 60  # `drc eval` v2: cases in each of the 12 cells (issue #10 §2)
EVAL_METHODS = ("drc", "entangled", "oracle", "reference_only")
