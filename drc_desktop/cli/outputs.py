"""``drc generate`` and ``drc outputs ...``: images made from a profile, kept in the vault.

Outputs stay encrypted in the vault until exported. Exported files get neutral names
(``image-001.png``...) and carry pixels only: no prompt, seed, profile or hash. One
``drc generate`` is one *set of assets* (issue 12 §2): one generation per reference, all with
the same settings, kept together in the vault and exported together with ``--export``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drc_desktop.cli.arguments import (
    EXIT_OK,
    EXIT_PARTIAL,
    add_composition_options,
    add_device_option,
    make_folder,
    positive,
    print_table,
)
from drc_desktop.cli.vault import unlocked_vault
from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.scan import reference_paths
from drc_desktop.store.exports import export_outputs, export_set

NOT_RECORDED = "not recorded"  # what outputs made before issue 11 show for unrecorded settings


def add_commands(commands: argparse._SubParsersAction) -> None:
    generate = commands.add_parser(
        "generate",
        help="images in a profile's style with a reference's semantics, kept in the vault",
        description="Generate with the profile's model: style from the profile's stored "
        "vectors, semantics from each reference (decoded in memory, not stored). Several "
        "references (files, or folders of images) make one set: N images per reference, "
        "kept together in the vault. The ids of the outputs are printed as each reference "
        "is done (with --out, a TAB and the file written); what finished stays stored when "
        "the run is interrupted. Exit 1 when some references could not be read.",
    )
    generate.add_argument("--profile", required=True, metavar="NAME")
    generate.add_argument(
        "--reference", type=Path, nargs="+", required=True, metavar="PATH",
        help="reference images, or folders of them (their image files, sorted)",
    )  # fmt: skip
    add_composition_options(generate, "the profile")
    generate.add_argument(
        "--prompt", default=None, metavar="TEXT", help="text prompt (Stable Diffusion models)"
    )
    generate.add_argument("--negative-prompt", default=None, metavar="TEXT")
    generate.add_argument(
        "--size", type=positive, default=None, help="output side in pixels (Stable Diffusion)"
    )
    generate.add_argument(
        "--guidance-scale", type=float, default=None, metavar="G",
        help="text guidance (Stable Diffusion; default 7.5 for SD 1.5, 5 for SDXL)",
    )  # fmt: skip
    generate.add_argument(
        "--cpu-offload", action="store_true", help="keep idle parts in CPU memory (less VRAM)"
    )
    generate.add_argument("--vae-tiling", action="store_true", help="decode large images in tiles")
    generate.add_argument(
        "--method",
        choices=("auto", "drc", "training-free"),
        default="auto",
        help="Stable Diffusion: drc (the profile's learned composition) or training-free "
        "(block routing); auto = drc when trained",
    )
    generate.add_argument("--out", type=Path, default=None, metavar="DIR", help="also write here")
    generate.add_argument(
        "--export", type=Path, default=None, metavar="DIR",
        help="also write the set: a folder per reference (reference-01...) and a contact "
        "sheet with one row per reference",
    )  # fmt: skip
    add_device_option(generate)
    generate.set_defaults(handler=_cmd_generate)

    group = commands.add_parser("outputs", help="generated images kept in the vault")
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="list outputs with the request that made each")
    listing.add_argument("--profile", default=None, metavar="NAME")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_cmd_outputs_list)
    export = sub.add_parser("export", help="write outputs as PNG files without metadata")
    export.add_argument("ids", nargs="+", type=int, metavar="ID")
    export.add_argument("--out", type=Path, required=True, metavar="DIR")
    export.set_defaults(handler=_cmd_outputs_export)
    export_a_set = sub.add_parser(
        "export-set", help="write a set: a folder per reference and a contact sheet PNG"
    )
    export_a_set.add_argument("set_id", type=int, metavar="SET")
    export_a_set.add_argument("--out", type=Path, required=True, metavar="DIR")
    export_a_set.set_defaults(handler=_cmd_outputs_export_set)
    delete = sub.add_parser("delete", help="delete outputs from the vault")
    delete.add_argument("ids", nargs="+", type=int, metavar="ID")
    delete.set_defaults(handler=_cmd_outputs_delete)
    again = sub.add_parser(
        "regenerate",
        help="generate an output again from its stored request; prints the new output's id",
        description="Make output ID again from what the vault keeps with it (the resolved "
        "request, the reference's features, the history digest) and store it as a new output. "
        "The same pixels come out on the same device and library versions. Refused when a "
        "model file changed or is missing, or when the profile's history changed (then "
        "--current-history generates from the history as it is now).",
    )
    again.add_argument("id", type=int, metavar="ID")
    again.add_argument(
        "--current-history", action="store_true",
        help="if the history changed since, use it as it is now (other pixels)",
    )  # fmt: skip
    add_device_option(again)
    again.set_defaults(handler=_cmd_outputs_regenerate)
    feedback = sub.add_parser(
        "add-to-history", help="add outputs' vectors to their profile's history"
    )
    feedback.add_argument("ids", nargs="+", type=int, metavar="ID")
    add_device_option(feedback)
    feedback.set_defaults(handler=_cmd_outputs_add_to_history)


def _cmd_generate(args: argparse.Namespace) -> int:
    references, skipped = reference_paths(args.reference)
    for entry in skipped:
        print(f"drc: skipped {entry.path}: {entry.problem}", file=sys.stderr)
    for folder in (args.out, args.export):
        if folder is not None:
            make_folder(folder)
    from drc_desktop.services.generation import check_request
    from drc_desktop.services.models import load_generator

    with unlocked_vault() as vault:
        profile = vault.profiles.get(args.profile)
        request = GenerationRequest(
            profile_id=profile.id,
            model=profile.model,
            n=args.n,
            seed=args.seed,
            steps=args.steps,
            style_strength=args.style_strength,
            semantic_strength=args.semantic_strength,
            prompt=args.prompt,
            negative_prompt=args.negative_prompt,
            size=args.size,
            guidance_scale=args.guidance_scale,
            method=args.method,
        )
        model = load_generator(
            vault, profile.model, args.device, cpu_offload=args.cpu_offload,
            vae_tiling=args.vae_tiling,
        )  # fmt: skip
        check_request(model, request)
        set_id, _, rejected = _generate_set(vault, model, request, references, args.out)
        if args.export is not None:
            written = export_set(vault, set_id, args.export)
            print(f"drc: set {set_id} exported to {args.export} (contact sheet: "
                  f"{written.contact_sheet.name})", file=sys.stderr)  # fmt: skip
    return EXIT_PARTIAL if rejected else EXIT_OK


def _generate_set(vault, model, request: GenerationRequest, references: list[Path],
                  out: Path | None) -> tuple[int, int, int]:  # fmt: skip
    """Generate and store the set, printing each reference's outputs as they are stored;
    returns (set id, references stored, references rejected).

    Raises:
        InputError: no reference could be read (one alone: its reason).
    """
    from drc_desktop.services.generation import generate_set

    set_id, done, reasons = 0, 0, []
    count = len(references)
    try:
        for step in generate_set(vault, model, request, references):
            set_id = step.set_id
            if step.rejected is not None:
                reasons.append(step.rejected)
                if count > 1:
                    print(f"drc: rejected {step.rejected}", file=sys.stderr)
            elif step.output_ids is not None:
                written = export_outputs(vault, step.output_ids, out) if out is not None else []
                for index, output_id in enumerate(step.output_ids):
                    print(f"{output_id}\t{written[index]}" if written else output_id, flush=True)
                done += 1
                if count > 1:
                    print(f"drc: reference {step.position + 1} of {count} "
                          f"({references[step.position]}): {len(step.output_ids)} outputs",
                          file=sys.stderr)  # fmt: skip
    except BaseException:  # an interrupt or a failure: say what was kept, then let it go on
        if done:
            print(f"drc: stopped after {done} of {count} references; their outputs are kept "
                  f"in the vault (set {set_id}: `drc outputs export-set {set_id}` writes it)",
                  file=sys.stderr)  # fmt: skip
        raise
    if not done:
        if count == 1 and reasons:
            raise InputError(reasons[0])
        raise InputError(f"none of the {count} references could be read (see above)")
    if count > 1:
        print(f"drc: set {set_id}: {done} of {count} references stored", file=sys.stderr)
    return set_id, done, len(reasons)


def _cmd_outputs_list(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        names = {p.id: p.name for p in vault.profiles.list()}
        profile_id = vault.profiles.get(args.profile).id if args.profile else None
        found = vault.outputs.list(profile_id)
    rows = [
        {
            "id": o.id,
            "profile": names.get(o.profile_id),
            "created_at": o.created_at,
            "width": o.width,
            "height": o.height,
            "set_id": o.set_id,
            "set_position": o.set_position,
            "request": json.loads(o.request.to_json()),
            "not_recorded": list(o.request.not_recorded()),
        }
        for o in found
    ]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return EXIT_OK
    table = [
        {
            "id": o.id, "profile": names.get(o.profile_id), "created_at": o.created_at,
            "set": o.set_id, "reference": None if o.set_position is None else o.set_position + 1,
            "method": o.request.method, "seed": o.request.seed,
            "style": f"{o.request.style_strength:g}",
            "semantic": f"{o.request.semantic_strength:g}",
            "steps": o.request.steps or NOT_RECORDED, "size": o.request.size or NOT_RECORDED,
            "device": o.request.device or NOT_RECORDED,
        }
        for o in found
    ]  # fmt: skip
    print_table(table, ("id", "profile", "created_at", "set", "reference", "method", "seed",
                        "style", "semantic", "steps", "size", "device"))  # fmt: skip
    return EXIT_OK


def _cmd_outputs_regenerate(args: argparse.Namespace) -> int:
    from drc_desktop.services.generation import regenerate
    from drc_desktop.services.models import load_generator

    with unlocked_vault() as vault:
        request = vault.outputs.get(args.id).request
        try:
            model = load_generator(vault, request.model, args.device)
        except ModelError as exc:
            raise ModelError(f"output {args.id} cannot be made again: {exc}") from None
        new_ids: list[int] = []
        for _, _, ids in regenerate(vault, model, args.id, current_history=args.current_history):
            new_ids = ids or new_ids
    for output_id in new_ids:
        print(output_id)
    return EXIT_OK


def _cmd_outputs_export(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        written = export_outputs(vault, args.ids, args.out)
    for path in written:
        print(path)
    return EXIT_OK


def _cmd_outputs_export_set(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        written = export_set(vault, args.set_id, args.out)
    for files in written.files:
        for path in files:
            print(path)
    print(written.contact_sheet)
    return EXIT_OK


def _cmd_outputs_delete(args: argparse.Namespace) -> int:
    with unlocked_vault() as vault:
        vault.outputs.delete(args.ids)
    print(f"deleted {len(args.ids)} output{'s' * (len(args.ids) != 1)}")
    return EXIT_OK


def _cmd_outputs_add_to_history(args: argparse.Namespace) -> int:
    from drc_desktop.services.intake import add_outputs_to_history
    from drc_desktop.services.models import load_describer

    with unlocked_vault() as vault:
        outputs = [vault.outputs.get(output_id) for output_id in args.ids]
        models = {vault.profiles.get_by_id(o.profile_id).model for o in outputs}
        if len(models) > 1:
            raise InputError("these outputs belong to profiles of different models; add them apart")
        model = load_describer(vault, models.pop(), args.device)
        added = add_outputs_to_history(vault, model, args.ids)
    for item_id in added:
        print(item_id)
    skipped = len(args.ids) - len(added)
    if skipped:
        print(f"drc: {skipped} already in the history", file=sys.stderr)
    return EXIT_OK
