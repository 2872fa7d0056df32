"""The demo runs the product's flow through a demo vault: create, import, generate, export."""

from __future__ import annotations

from drc_desktop import demo
from drc_desktop.store.vault import Vault


def test_demo_goes_through_a_vault_and_exports(tmp_path):
    sheet = demo.run(tmp_path, users=1, references=2, n=2)
    assert sheet.is_file()
    with Vault.unlock(tmp_path / "vault", demo.DEMO_PASSPHRASE) as vault:
        (profile,) = vault.profiles.list()
        assert (profile.history_count, profile.output_count) == (6, 4)
    exported = sorted(
        p.relative_to(tmp_path / "exports") for p in (tmp_path / "exports").rglob("*.png")
    )
    assert [str(p) for p in exported] == [
        "user0-ref0/image-001.png", "user0-ref0/image-002.png",
        "user0-ref1/image-001.png", "user0-ref1/image-002.png",
    ]  # fmt: skip
    demo.run(tmp_path, users=1, references=1, n=1)  # a second run replaces its own demo vault
