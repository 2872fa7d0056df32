"""``drc profile ...``, ``drc import`` and ``drc history ...``: profiles and their history."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from drc_desktop.cli.arguments import (
    EXIT_OK,
    EXIT_PARTIAL,
    add_device_option,
    print_table,
)
from drc_desktop.cli.vault import unlocked_vault
from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import BUILTIN_MODEL


def add_commands(commands: argparse._SubParsersAction) -> None:
    profile = commands.add_parser("profile", help="profiles: a person's or brand's style")
    sub = profile.add_subparsers(title="commands", metavar="COMMAND", required=True)
    create = sub.add_parser("create", help="create an empty profile bound to a model")
    create.add_argument("name", metavar="NAME")
    create.add_argument(
        "--model",
        default=BUILTIN_MODEL,
        help=f"the model it uses: {BUILTIN_MODEL} (default) or one from `drc models list`",
    )
    create.set_defaults(handler=_cmd_profile_create)
    listing = sub.add_parser("list", help="list profiles with their history and output counts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_cmd_profile_list)
    rename = sub.add_parser("rename", help="rename a profile")
    rename.add_argument("old", metavar="OLD")
    rename.add_argument("new", metavar="NEW")
    rename.set_defaults(handler=_cmd_profile_rename)
    delete = sub.add_parser(
        "delete", help="delete a profile with all its history items and outputs"
    )
    delete.add_argument("name", metavar="NAME")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    delete.set_defaults(handler=_cmd_profile_delete)

    intake = commands.add_parser(
        "import",
        help="add images to a profile's history (only their vectors are kept)",
        description="Decode each image in memory, extract its vectors and store them, "
        "encrypted, in the profile's history; the images themselves are not kept. Prints "
        "STATUS<TAB>PATH<TAB>REASON per file (imported, duplicate, rejected, skipped) and a "
        "summary on stderr. Exit 1 when any file was rejected; the others are still imported.",
    )
    intake.add_argument("name", metavar="NAME", help="the profile (must exist)")
    intake.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    add_device_option(intake)
    intake.set_defaults(handler=_cmd_import)

    history = commands.add_parser("history", help="a profile's history items (vectors)")
    sub = history.add_subparsers(title="commands", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="list a profile's history items")
    listing.add_argument("name", metavar="NAME")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_cmd_history_list)
    remove = sub.add_parser("remove", help="remove one history item")
    remove.add_argument("item_id", type=int, metavar="ID")
    remove.set_defaults(handler=_cmd_history_remove)


def _cmd_profile_create(args: argparse.Namespace) -> int:
    from drc_desktop.services.models import check_profile_model

    with unlocked_vault() as vault:
        check_profile_model(vault, args.model)
        profile = vault.profiles.create(args.name, args.model)
    print(f"created profile {profile.name!r} (model {profile.model})")
    return EXIT_OK


def _cmd_profile_list(args: argparse.Namespace) -> int:
    from drc_desktop.services.compatibility import profile_reimport_reasons

    with unlocked_vault() as vault:
        found = vault.profiles.list()
        reasons = profile_reimport_reasons(vault)
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "model": p.model,
            "history_items": p.history_count,
            "outputs": p.output_count,
            "created_at": p.created_at,
            "status": reasons.get(p.id, "ready" if p.history_count else "empty"),
        }
        for p in found
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    print_table(rows, ("name", "model", "history_items", "outputs", "created_at", "status"))
    return EXIT_OK


def _cmd_profile_rename(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        profile = vault.profiles.rename(args.old, args.new)
    print(f"renamed profile {args.old.strip()!r} to {profile.name!r}")
    return EXIT_OK


def _cmd_profile_delete(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        profile = vault.profiles.get(args.name)
        what = (
            f"profile {profile.name!r} with {profile.history_count} history items and "
            f"{profile.output_count} output{'s' * (profile.output_count != 1)}"
        )
        if not args.yes and not _confirm(f"Delete {what}? This cannot be undone. [y/N] "):
            raise InputError("not deleted (add --yes to confirm without a prompt)")
        vault.profiles.delete(profile.name)
    print(f"deleted {what}")
    return EXIT_OK


def _cmd_import(args: argparse.Namespace) -> int:
    from drc_desktop.services.intake import ImportStatus, import_files
    from drc_desktop.services.models import load_describer

    with unlocked_vault() as vault:
        profile = vault.profiles.get(args.name)
        model = load_describer(vault, profile.model, args.device)
        counts: Counter[ImportStatus] = Counter()
        for result in import_files(vault, model, profile.id, args.paths):
            counts[result.status] += 1
            print(f"{result.status.value}\t{result.path}\t{result.reason}", flush=True)
    summary = ", ".join(f"{counts[status]} {status.value}" for status in ImportStatus)
    print(f"drc: {profile.name}: {summary}", file=sys.stderr)
    return EXIT_PARTIAL if counts[ImportStatus.rejected] else EXIT_OK


def _cmd_history_list(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        profile = vault.profiles.get(args.name)
        items = vault.history.list(profile.id)
    rows = [
        {
            "id": item.id,
            "imported_at": item.imported_at,
            "encoder": item.vectors.encoder,
            "label": item.label,
            "source_output_id": item.source_output_id,
        }
        for item in items
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    print_table(rows, ("id", "imported_at", "encoder", "source_output_id"))
    return EXIT_OK


def _cmd_history_remove(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        vault.history.remove(args.item_id)
    print(f"removed history item {args.item_id}")
    return EXIT_OK


def _confirm(prompt: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(prompt).strip().lower() in ("y", "yes")
