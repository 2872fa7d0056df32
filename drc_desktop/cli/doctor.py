"""``drc doctor``: check this computer's setup and print a report for IT (``doctor.py``)."""

from __future__ import annotations

import argparse
import json

from drc_desktop.doctor import Status, exit_status, run_checks

MARKS = {Status.ok: "ok", Status.warning: "warning", Status.error: "ERROR"}


def add_commands(commands: argparse._SubParsersAction) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check Python, torch/GPU, Qt, SQLCipher, the data folder, vault and models",
        description="Check this computer's setup and print one report (exit 0 all well, 1 "
        "warnings, 2 errors). The vault and models are checked only when DRC_PASSPHRASE is "
        "set; the doctor never asks for a passphrase and never uses the network.",
    )
    doctor.add_argument("--json", action="store_true", help="print JSON")
    doctor.set_defaults(handler=_cmd_doctor)


def _cmd_doctor(args: argparse.Namespace) -> int:
    checks = run_checks()
    status = exit_status(checks)
    if args.json:
        report = {"status": Status(status).name, "checks": [c.to_dict() for c in checks]}
        print(json.dumps(report, indent=2))
        return status
    width = max(len(check.name) for check in checks)
    for check in checks:
        print(f"{MARKS[check.status]:<8} {check.name:<{width}}  {check.detail}")
    summary = {0: "all well", 1: "warnings above", 2: "errors above"}[status]
    print(f"drc doctor: {summary}")
    return status
