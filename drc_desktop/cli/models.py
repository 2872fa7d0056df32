"""``drc models add|list|verify|remove``: the user's own Stable Diffusion files, registered in
the vault (paths are private too) with a SHA-256 manifest."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drc_desktop.cli.arguments import EXIT_ERROR, EXIT_OK
from drc_desktop.cli.vault import unlocked_vault
from drc_desktop.core.errors import ModelError


def add_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "models",
        help="register your own Stable Diffusion 1.5 / SDXL files (offline, safetensors only)",
        description="Register local model files: a diffusers pipeline folder, a single-file "
        ".safetensors checkpoint, an IP-Adapter .safetensors file, or a CLIP image-encoder "
        "folder. Pickle formats (.ckpt, .pt, .bin) are refused.",
    )
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add = sub.add_parser("add", help="detect, check, hash and register a model file or folder")
    add.add_argument("path", type=Path, metavar="PATH")
    add.add_argument("--name", default=None, help="name to use (default: file or folder name)")
    add.add_argument("--ip-adapter", default=None, metavar="NAME", help="link this IP-Adapter")
    add.add_argument(
        "--image-encoder", default=None, metavar="NAME", help="link this CLIP image encoder"
    )
    add.set_defaults(handler=_cmd_add)
    listing = sub.add_parser("list", help="registered models with their links")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_cmd_list)
    verify = sub.add_parser("verify", help="hash the files again and compare (all, or NAME)")
    verify.add_argument("name", nargs="?", default=None, metavar="NAME")
    verify.set_defaults(handler=_cmd_verify)
    remove = sub.add_parser("remove", help="forget a model (its files are not touched)")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=_cmd_remove)


def _cmd_add(args: argparse.Namespace) -> int:
    from drc_desktop.services.models import register

    with unlocked_vault() as vault:
        model = register(
            vault, args.path, name=args.name, ip_adapter=args.ip_adapter,
            image_encoder=args.image_encoder, progress=_hash_progress(),
        )  # fmt: skip
        model = vault.models.get(model.name)
    kind = model.kind.replace("_", " ")
    architecture = f" {model.architecture}" if model.architecture else ""
    print(f"registered {model.name!r}:{architecture} {kind}, {len(model.manifest)} files hashed")
    if model.ip_adapter or model.image_encoder:
        print(f"linked: IP-Adapter {model.ip_adapter}, image encoder {model.image_encoder}")
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        models = vault.models.list()
    rows = [
        {
            "name": m.name, "kind": m.kind, "architecture": m.architecture, "path": m.path,
            "ip_adapter": m.ip_adapter, "image_encoder": m.image_encoder, "details": m.details,
            "files": len(m.manifest), "added_at": m.added_at,
        }
        for m in models
    ]  # fmt: skip
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    for row in rows:
        links = ""
        if row["ip_adapter"] or row["image_encoder"]:
            links = f"  [IP-Adapter {row['ip_adapter']}, encoder {row['image_encoder']}]"
        architecture = row["architecture"] or "-"
        print(f"{row['name']}  {row['kind']}  {architecture}  {row['path']}{links}")
    return EXIT_OK


def _cmd_verify(args: argparse.Namespace) -> int:
    from drc_desktop.services.models import check_files

    failed = 0
    with unlocked_vault() as vault:
        models = [vault.models.get(args.name)] if args.name else vault.models.list()
        for model in models:
            try:
                check_files(model, _hash_progress())
                print(f"ok\t{model.name}")
            except ModelError as exc:
                failed += 1
                print(f"failed\t{model.name}\t{exc}")
    if failed:
        print(f"drc: error: {failed} model(s) failed verification", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def _cmd_remove(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        vault.models.remove(args.name)
    print(f"removed {args.name!r} from the registry (its files are untouched)")
    return EXIT_OK


def _hash_progress():
    """Percent progress on stderr while hashing, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    shown = {"percent": -1}

    def progress(name: str, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if percent != shown["percent"]:
            shown["percent"] = percent
            print(f"\rhashing {percent:3d}%", end="" if percent < 100 else "\n", file=sys.stderr)

    return progress
