"""Observable view-models between the engine and the widgets (QtCore only)."""
