"""Thin QtWidgets views bound to the view-models in ``drc_desktop.model``."""
