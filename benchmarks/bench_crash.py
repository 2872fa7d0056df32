"""Crash safety at scale: a writer killed with SIGKILL at random moments loses no commit.

Each round forks a child that unlocks the vault and adds history items (synthetic
``ImageVectors``, three float32 ``[16, 64]`` parts, one transaction each), writing each
item's id to a pipe right after ``history.add`` returns. After a random (seeded) delay the
parent kills it with SIGKILL, reaps it, then unlocks the vault itself: the child's stale
session marker must make unlock run the full integrity checks (``checked_after_crash``).
It then runs ``vault.verify()`` and checks that every id the child reported is present with
the vectors the child wrote, that at most one more item is stored than was reported (a
commit that returned just before the kill, its id not yet written), and that every stored
item has its audit entry (both are written in one transaction).

Target (issue): zero failures. POSIX only (fork, SIGKILL): exits 2 on Windows. Prints one
JSON object (progress on stderr); the vault lives in a ``tempfile.TemporaryDirectory``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from drc_desktop.core.vectors import ImageVectors, array_to_blob
from drc_desktop.store.vault import Vault

PASSPHRASE = "benchmark passphrase, not a secret"
ENCODER = "drc-mini-encoder@benchmark"
SHAPE = (16, 64)
READY = b"ready\n"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300, help="kills (default: 300)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the kill delays")
    parser.add_argument(
        "--max-delay",
        type=float,
        default=0.05,
        help="kill after a delay drawn uniformly from [0, MAX] seconds once the child has "
        "unlocked (default: 0.05; the vault grows by about one item per commit time)",
    )
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args()
    if args.rounds < 1 or args.max_delay < 0:
        parser.error("--rounds must be at least 1 and --max-delay not negative")
    return args


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def vectors_for(seed: int, round_: int, index: int) -> ImageVectors:
    rng = np.random.default_rng([seed, round_, index])
    parts = [rng.standard_normal(SHAPE, dtype=np.float32) for _ in range(3)]
    return ImageVectors(ENCODER, *parts)


def writer(home: Path, profile_id: int, seed: int, round_: int, write_fd: int) -> None:
    """The child: unlock, then add items until killed, reporting each committed id."""
    vault = Vault.unlock(home, PASSPHRASE)
    os.write(write_fd, READY)
    index = 0
    while True:
        item = vectors_for(seed, round_, index)
        tag = f"{seed}/{round_}/{index}".encode()
        item_id = vault.history.add(profile_id, item, vault.fingerprint(tag))
        os.write(write_fd, f"{item_id}\n".encode())
        index += 1


def read_line(fd: int) -> bytes:
    line = b""
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            break
        line += chunk
    return line


def read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks)


def check_round(
    vault: Vault, profile_id: int, seed: int, round_: int, reported: list[int], before: int
) -> tuple[int, int, list[str]]:
    """Returns (items verified, unreported commits, problems)."""
    problems = []
    if not vault.checked_after_crash:
        problems.append("unlock did not run the checks after the crash")
    vault.verify()
    with vault.transaction() as db:
        stored = db.execute(
            "SELECT count(*) FROM history_items WHERE profile_id = ?", (profile_id,)
        ).fetchone()[0]
        audited = db.execute(
            "SELECT coalesce(sum(item_count), 0) FROM audit_log WHERE event = 'imported'"
        ).fetchone()[0]
        rows = {}
        for start in range(0, len(reported), 500):
            chunk = reported[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = (
                f"SELECT id, features, style, semantics FROM history_items WHERE id IN ({marks})"
            )
            rows.update({row[0]: row[1:] for row in db.execute(query, chunk)})
    verified = 0
    for index, item_id in enumerate(reported):
        row = rows.get(item_id)
        if row is None:
            problems.append(f"reported item {item_id} is missing")
            continue
        expected = vectors_for(seed, round_, index)
        blobs = [array_to_blob(part)[0] for part in (expected.features, expected.style)]
        blobs.append(array_to_blob(expected.semantics)[0])
        if list(row) != blobs:
            problems.append(f"item {item_id} holds other vectors than were written")
            continue
        verified += 1
    unreported = stored - before - len(reported)
    if unreported not in (0, 1):
        problems.append(f"{unreported} stored items beyond the {len(reported)} reported")
    if audited != stored:
        problems.append(f"{stored} items but {audited} 'imported' audit entries")
    return verified, max(unreported, 0), problems


def main() -> int:
    if os.name != "posix":
        print("bench_crash.py needs fork and SIGKILL: Linux or macOS only", file=sys.stderr)
        return 2
    import multiprocessing
    import signal

    args = parse_args()
    context = multiprocessing.get_context("fork")
    rng = random.Random(args.seed)
    committed = verified = unreported_total = 0
    failures: list[dict[str, object]] = []
    round_ms: list[float] = []
    unlock_ms: list[float] = []
    per_round: list[int] = []
    rounds_done = 0
    with tempfile.TemporaryDirectory(prefix="drc-bench-crash-") as temp:
        home = Path(temp) / "home"
        with Vault.create(home, PASSPHRASE) as vault:
            profile_id = vault.profiles.create("crash", "drc-mini").id
        stored = 0
        for round_ in range(args.rounds):
            delay = rng.uniform(0.0, args.max_delay)
            start = time.perf_counter()
            read_fd, write_fd = os.pipe()
            child = context.Process(
                target=writer, args=(home, profile_id, args.seed, round_, write_fd), daemon=True
            )
            child.start()
            os.close(write_fd)
            problems: list[str] = []
            try:
                ready = read_line(read_fd)
                if ready != READY:
                    problems.append(f"child did not unlock (exit code {child.exitcode})")
                time.sleep(delay)
                os.kill(child.pid, signal.SIGKILL)
                child.join()  # reaped: its pid is gone, so its session marker is stale
                lines = read_all(read_fd).split()
            finally:
                os.close(read_fd)
            reported = [int(line) for line in lines]
            if child.exitcode != -signal.SIGKILL:
                problems.append(f"child ended with exit code {child.exitcode}, not by SIGKILL")
            try:
                unlocked = time.perf_counter()
                vault = Vault.unlock(home, PASSPHRASE)
                unlock_ms.append((time.perf_counter() - unlocked) * 1000.0)
                try:
                    ok, extra, found = check_round(
                        vault, profile_id, args.seed, round_, reported, stored
                    )
                    stored = vault.history.count(profile_id)
                finally:
                    vault.close()
            except Exception as exc:  # a damaged vault or a wrong count: record, stop
                failures.append({"round": round_, "problems": [f"{type(exc).__name__}: {exc}"]})
                rounds_done = round_ + 1
                log(f"round {round_}: {exc}; stopping")
                break
            problems += found
            committed += len(reported)
            verified += ok
            unreported_total += extra
            per_round.append(len(reported))
            round_ms.append((time.perf_counter() - start) * 1000.0)
            rounds_done = round_ + 1
            if problems:
                failures.append({"round": round_, "problems": problems[:5]})
            if (round_ + 1) % 10 == 0 or problems:
                log(
                    f"round {round_ + 1}/{args.rounds}: {committed} committed, {verified} "
                    f"verified, {len(failures)} failures, vault {stored} items"
                )
        vault_bytes = sum(p.stat().st_size for p in home.glob("vault.db*"))
    result = {
        "benchmark": "crash",
        "python": sys.version.split()[0],
        "platform": sys.platform,
        "seed": args.seed,
        "max_delay_s": args.max_delay,
        "rounds": rounds_done,
        "rounds_asked": args.rounds,
        "items_committed": committed,
        "items_verified": verified,
        "unreported_commits": unreported_total,
        "items_stored": stored,
        "items_per_round": {
            "median": statistics.median(per_round) if per_round else 0,
            "min": min(per_round, default=0),
            "max": max(per_round, default=0),
        },
        "failures": len(failures),
        "failure_details": failures[:10],
        "median_round_ms": round(statistics.median(round_ms), 3) if round_ms else None,
        "median_unlock_after_crash_ms": round(statistics.median(unlock_ms), 3)
        if unlock_ms
        else None,
        "final_vault_bytes": vault_bytes,
        "target_failures": 0,
        "meets_target": not failures and verified == committed and rounds_done == args.rounds,
    }
    print(json.dumps(result, indent=2))
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
