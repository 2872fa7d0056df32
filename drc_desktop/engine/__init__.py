"""Runs ml/ and store/ work off the GUI thread (QtCore only): one job at a time, progress and
cancel as signals."""
