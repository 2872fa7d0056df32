"""Which profile the views show (issue 12: a new profile was not selected, the Import tab did
not say which profile receives the files, the old import log stayed after switching, after a
rename nothing was selected and the header kept the old name)."""

from __future__ import annotations

from tests.ui.flows import TIMEOUT, settle, with_history, with_profile


def select(panel, name: str) -> None:
    for row in range(panel.list.count()):
        if panel.list.item(row).text().startswith(name):
            panel.list.setCurrentRow(row)


def test_a_new_profile_is_selected(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    panel = window.work_view.profiles
    panel.name.setText("Bob")
    panel.create.click()
    qtbot.waitUntil(lambda: panel.list.count() == 2, timeout=TIMEOUT)
    settle(window, qtbot)
    assert panel.selected().name == "Bob"


def test_the_import_tab_names_the_receiving_profile_and_shows_only_its_log(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    importer = window.work_view.importer
    assert "Alice" in importer.target.text()
    assert importer.results.count() > 0
    with_profile(window, qtbot, "Bob")
    settle(window, qtbot)
    assert "Bob" in importer.target.text() and "Alice" not in importer.target.text()
    assert importer.results.count() == 0 and importer.status.text() == ""
    select(window.work_view.profiles, "Alice")
    assert "Alice" in importer.target.text()


def test_rename_keeps_the_selection_and_updates_the_header(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    view = window.work_view
    with_profile(window, qtbot, "Bob")
    select(view.profiles, "Alice")
    settle(window, qtbot)
    view.profiles.name.setText("Alicia")
    view.profiles.rename.click()
    qtbot.waitUntil(lambda: view.profiles.selected() is not None
                    and view.profiles.selected().name == "Alicia", timeout=TIMEOUT)  # fmt: skip
    settle(window, qtbot)
    assert view.profile_tab.summary.text().startswith("Alicia")
    assert "Alicia" in view.importer.target.text()


def test_a_profile_imported_with_drc_mini_v1_says_to_import_again(window, qtbot):
    """issue 10 §4: v1 vectors cannot be read by v2's encoder; the profile says so, and the
    rest of the app keeps working."""
    import numpy as np

    from drc_desktop.core.vectors import ImageVectors
    from tests.ui.flows import unlocked

    unlocked(window, qtbot)
    session = window.session
    vault = session.vault
    profile = vault.profiles.create("Old work", "drc-mini")
    zeros = np.zeros((16, 64), dtype=np.float32)
    v1 = ImageVectors("drc-mini-encoder@0123456789abcdef", zeros, zeros, zeros)
    vault.history.add(profile.id, v1, vault.fingerprint(b"v1"))
    session.refresh_profiles()
    panel = window.work_view.profiles
    qtbot.waitUntil(lambda: panel.list.count() == 1, timeout=TIMEOUT)
    settle(window, qtbot)
    item = panel.list.item(0)
    assert "import its images again" in item.text()
    assert "drc-mini v1" in item.toolTip()
