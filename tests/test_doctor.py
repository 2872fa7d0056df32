"""`drc doctor` on good and broken setups."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket

import pytest

from drc_desktop import cli, doctor
from drc_desktop.doctor import Status
from drc_desktop.services.models import register
from drc_desktop.store.vault import Vault

PASSPHRASE = "doctor passphrase"


def by_name(checks) -> dict[str, doctor.Check]:
    return {check.name: check for check in checks}


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "drc-home"
    monkeypatch.setenv("DRC_HOME", str(home))
    monkeypatch.delenv("DRC_PASSPHRASE", raising=False)
    return home


def test_fresh_machine_is_all_well_but_for_the_missing_gui(home):
    checks = by_name(doctor.run_checks(home))
    assert checks["python"].status is Status.ok
    assert "CPU build" in checks["torch"].detail or "CUDA" in checks["torch"].detail
    assert checks["sqlcipher"].status is Status.ok and "SQLCipher 4." in checks["sqlcipher"].detail
    assert (
        checks["data folder"].status is Status.ok
        and "not created yet" in checks["data folder"].detail
    )
    assert checks["vault"].detail.startswith("no vault yet")
    assert checks["network"].status is Status.ok


def test_vault_and_models_are_checked_with_a_passphrase(
    home, monkeypatch, tiny_sd_models, tmp_path
):
    copy = shutil.copytree(tiny_sd_models["encoder"], tmp_path / "encoder")
    with Vault.create(home, PASSPHRASE) as vault:
        register(vault, copy, name="encoder")
    checks = by_name(doctor.run_checks(home))
    assert "set DRC_PASSPHRASE" in checks["vault"].detail and "model encoder" not in checks
    monkeypatch.setenv("DRC_PASSPHRASE", PASSPHRASE)
    checks = by_name(doctor.run_checks(home))
    assert checks["vault"].status is Status.ok and "1 models" in checks["vault"].detail
    assert checks["model encoder"].status is Status.ok
    (copy / "config.json").write_text("{}")
    checks = by_name(doctor.run_checks(home))
    assert checks["model encoder"].status is Status.error
    assert "config.json changed" in checks["model encoder"].detail
    monkeypatch.setenv("DRC_PASSPHRASE", "wrong passphrase")
    assert by_name(doctor.run_checks(home))["vault"].status is Status.error


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_folder_others_can_read_is_a_warning(home):
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    check = doctor.check_data_folder(home)
    assert check.status is Status.warning and "chmod 700" in check.detail


def test_synced_and_network_folders_are_warnings(tmp_path, monkeypatch):
    synced = tmp_path / "OneDrive - Company" / "drc"
    assert doctor.check_data_folder(synced).status is Status.warning
    from drc_desktop.store import location

    monkeypatch.setattr(location, "filesystem_type", lambda path: "cifs")
    check = doctor.check_data_folder(tmp_path)
    assert check.status is Status.warning and "network filesystem" in check.detail


def test_a_check_that_reaches_for_the_network_is_reported(home, monkeypatch):
    def phoning_home():
        with contextlib.suppress(OSError):
            socket.create_connection(("example.com", 443), timeout=1)
        return doctor.Check("qt", Status.ok, "fine")

    monkeypatch.setattr(doctor, "check_qt", phoning_home)
    checks = by_name(doctor.run_checks(home))
    assert checks["network"].status is Status.error and "connect" in checks["network"].detail
    assert socket.create_connection is not None and socket.getaddrinfo.__name__ != "refused"


def test_cli_exit_status_follows_the_worst_check(home, monkeypatch, capsys):
    monkeypatch.setattr(doctor, "check_qt", lambda: doctor.Check("qt", Status.ok, "stub"))
    assert cli.main(["doctor"]) == 0
    assert capsys.readouterr().out.strip().endswith("drc doctor: all well")
    monkeypatch.setattr(doctor, "check_qt", lambda: doctor.Check("qt", Status.warning, "no Qt"))
    assert cli.main(["doctor", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "warning"
    assert {"name": "qt", "status": "warning", "detail": "no Qt"} in report["checks"]
    monkeypatch.setattr(
        doctor, "check_sqlcipher", lambda: doctor.Check("sqlcipher", Status.error, "x")
    )
    assert cli.main(["doctor"]) == 2
