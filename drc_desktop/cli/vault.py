"""``drc vault init|info|verify|passwd|backup|restore``, and how every command unlocks.

Passphrases come from ``DRC_PASSPHRASE`` / ``DRC_NEW_PASSPHRASE`` / ``DRC_BACKUP_PASSPHRASE``
or a prompt without echo (``core.passphrase``); the data folder from ``DRC_HOME`` or the
platform's user data folder (``store.location``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from drc_desktop.cli.arguments import EXIT_OK
from drc_desktop.core.passphrase import (
    BACKUP_PASSPHRASE,
    LOST_PASSPHRASE_WARNING,
    NEW_PASSPHRASE,
    PASSPHRASE,
    read_passphrase,
)
from drc_desktop.store.location import VAULT_FILE, data_home, filesystem_type
from drc_desktop.store.vault import (
    Vault,
    check_new_passphrase,
    network_warning,
    reported_as_vault_errors,
)


@contextmanager
def unlocked_vault() -> Iterator[Vault]:
    """The vault of the data folder, unlocked with ``DRC_PASSPHRASE`` (or a prompt)."""
    home = data_home()
    _warn_about_location(home)
    passphrase = read_passphrase(PASSPHRASE, "Vault passphrase: ")
    with reported_as_vault_errors(home / VAULT_FILE):
        vault = Vault.unlock(home, passphrase)
        if vault.checked_after_crash:
            print(
                "drc: note: the vault was not closed cleanly last time; its checks passed",
                file=sys.stderr,
            )
        _print_notes(vault.notes)
        try:
            yield vault
        finally:
            vault.close()
            _print_notes(vault.notes)


def _print_notes(notes: list[str]) -> None:
    """Each note once, on stderr (notes are not errors: the command goes on)."""
    while notes:
        print(f"drc: note: {notes.pop(0)}", file=sys.stderr)


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "vault",
        help="the encrypted vault: create, inspect, check, change passphrase, back up",
        description="The encrypted vault (SQLCipher 4) that holds profiles, vectors and outputs. "
        "It lives in $DRC_HOME, or the platform's user data folder.",
    )
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    sub.add_parser("init", help="create a new, empty vault").set_defaults(handler=_cmd_init)
    info = sub.add_parser("info", help="where the vault is and what it holds")
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(handler=_cmd_info)
    sub.add_parser(
        "verify", help="check every page's authentication code and the database structure"
    ).set_defaults(handler=_cmd_verify)
    sub.add_parser(
        "passwd", help="change the passphrase (new one from DRC_NEW_PASSPHRASE or a prompt)"
    ).set_defaults(handler=_cmd_passwd)
    backup = sub.add_parser(
        "backup",
        help="write a checked copy under its own passphrase (DRC_BACKUP_PASSPHRASE)",
    )
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.set_defaults(handler=_cmd_backup)
    restore = sub.add_parser(
        "restore",
        help="replace the vault by a backup; the current vault is moved aside, never deleted",
        description="Open FILE with DRC_BACKUP_PASSPHRASE, check it, and make it the vault, "
        "encrypted with DRC_PASSPHRASE. The current vault, if any, is renamed and kept.",
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.set_defaults(handler=_cmd_restore)


def _cmd_init(args: argparse.Namespace) -> int:
    home = data_home()
    _warn_about_location(home)
    print(f"drc: {LOST_PASSPHRASE_WARNING}", file=sys.stderr)
    passphrase = read_passphrase(PASSPHRASE, "New vault passphrase: ", confirm=True)
    check_new_passphrase(passphrase)
    with reported_as_vault_errors(home / VAULT_FILE), Vault.create(home, passphrase) as vault:
        _print_notes(vault.notes)
        print(f"created vault: {vault.path}")
    return EXIT_OK


def _cmd_info(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        info = vault.info()
    details = {**asdict(info), "path": str(info.path), "filesystem": filesystem_type(info.path)}
    if args.json:
        print(json.dumps(details, indent=2))
        return EXIT_OK
    for key, value in details.items():
        print(f"{key.replace('_', ' ')}: {value}")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        vault.verify()
        print(f"vault is sound: {vault.path}")
    return EXIT_OK


def _cmd_passwd(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        new = read_passphrase(NEW_PASSPHRASE, "New vault passphrase: ", confirm=True)
        vault.rekey(new)
    print("passphrase changed (backups keep the passphrase they were made with)")
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        passphrase = read_passphrase(BACKUP_PASSPHRASE, "Backup passphrase: ", confirm=True)
        vault.backup(args.file, passphrase)
    print(f"backup written and checked: {args.file}")
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    home = data_home()
    backup_passphrase = read_passphrase(BACKUP_PASSPHRASE, "Backup passphrase: ")
    passphrase = read_passphrase(PASSPHRASE, "Vault passphrase after restore: ", confirm=True)
    with reported_as_vault_errors(home / VAULT_FILE):
        moved = Vault.restore(home, args.file, backup_passphrase, passphrase)
    print(f"restored {args.file} into {home}")
    if moved is not None:
        print(f"the previous vault is kept at {moved}")
    return EXIT_OK


def _warn_about_location(home: Path) -> None:
    warning = network_warning(home)
    if warning:
        print(f"drc: warning: {warning}", file=sys.stderr)
