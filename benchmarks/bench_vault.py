"""The encrypted vault: unlock time, import throughput and memory, SQLCipher vs plain SQLite.

``unlock_ms``: ``Vault.unlock`` of a vault holding ``--items`` history items (synthetic
``ImageVectors``, three float32 ``[16, 64]`` parts each), key derivation included (SQLCipher 4
defaults: PBKDF2-HMAC-SHA512, 256,000 iterations). Target (issue): <= 300 ms for 1,000 items.

``import``: ``import_files`` of N distinct 64x64 sticker PNGs with the built-in model, each run
in a fresh child process (this script with ``--child-import N``, one torch thread) so that
its peak RSS (``ru_maxrss``) is its own. Reports images per second and peak RSS for each N
(default 100 and 1,000). Target (issue): memory stays flat, 1,000 close to 100.

``sqlcipher_vs_sqlite``: the same operations, through the app's own repository code where it
has one, on an SQLCipher vault (``open_keyed`` + ``apply_pragmas``) and on a plain stdlib
``sqlite3`` database with the same pragmas and schema, interleaved: (i) per-commit writes
(``history.add``, one ``BEGIN IMMEDIATE``/``COMMIT`` each, audit entry included), ms per
commit; (ii) warm load of one profile's ``features`` column (``history.features``) on an open
connection that has read it once; (iii) cold bulk load of all three vector columns on a new
connection (empty SQLite page cache; the OS page cache cannot be dropped without root), with
and without the key derivation (timed as connect + ``PRAGMA key`` + the first page read).
Targets (issue): per-commit writes and warm loads <= 1.5x, cold bulk loads <= 3x.

Prints one JSON object (progress on stderr); every temporary file lives in a
``tempfile.TemporaryDirectory`` that is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.timing import cpu_model, emit, log, summary
from drc_desktop.core.vectors import ImageVectors, blob_to_array
from drc_desktop.store import connection as sql
from drc_desktop.store.repositories import HistoryRepository
from drc_desktop.store.schema import MIGRATIONS, _statements, migrate
from drc_desktop.store.vault import Vault

PASSPHRASE = "benchmark passphrase, not a secret"
ENCODER = "drc-mini-encoder@benchmark"
SHAPE = (16, 64)
WRITES = 200
UNLOCK_TARGET_MS = 300
WRITE_TARGET_RATIO = 1.5
WARM_TARGET_RATIO = 1.5
COLD_TARGET_RATIO = 3.0
HOUSE_MIN_REPEATS = 5
REPO_ROOT = Path(__file__).resolve().parent.parent
COLD_DEFINITION = (
    "new connection (empty SQLite page cache, OS page cache warm: dropping it needs root)"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="history items in the vaults")
    parser.add_argument("--repeats", type=int, default=5, help="timed repetitions of each case")
    parser.add_argument("--skip-import", action="store_true", help="leave out the import part")
    parser.add_argument(
        "--import-sizes",
        default="100,1000",
        help="comma-separated numbers of images to import (default: 100,1000)",
    )
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    parser.add_argument("--child-import", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--images", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.items < 1 or args.repeats < 1:
        parser.error("--items and --repeats must be at least 1")
    return args


# ----------------------------------------------------------------------------- data


def synthetic_vectors(rng: np.random.Generator) -> ImageVectors:
    return ImageVectors(
        ENCODER,
        rng.standard_normal(SHAPE, dtype=np.float32),
        rng.standard_normal(SHAPE, dtype=np.float32),
        rng.standard_normal(SHAPE, dtype=np.float32),
    )


def content_hash(tag: str) -> bytes:
    return hashlib.sha256(tag.encode()).digest()


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # KiB on Linux, bytes on macOS.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def spread(values: list[float], digits: int = 3) -> dict[str, object]:
    """Median, min, max and every run of a quantity that is not a time."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {
        "median": round(median, digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "runs": [round(v, digits) for v in values],
    }


# ----------------------------------------------------------------------------- a. unlock


def bench_unlock(root: Path, items: int, repeats: int) -> dict[str, object]:
    home = root / "unlock"
    log(f"unlock: creating a vault with {items} history items")
    with Vault.create(home, PASSPHRASE) as vault:
        profile = vault.profiles.create("bench", "drc-mini")
        rng = np.random.default_rng(0)
        for i in range(items):
            vault.history.add(profile.id, synthetic_vectors(rng), vault.fingerprint(b"%d" % i))
        cipher = vault.info().cipher
    size = sum(p.stat().st_size for p in home.glob("vault.db*"))
    runs = []
    for run in range(repeats + 1):  # the first is an untimed warm-up
        start = time.perf_counter()
        vault = Vault.unlock(home, PASSPHRASE)
        elapsed = ms_since(start)
        assert not vault.checked_after_crash
        assert vault.history.count(profile.id) == items
        vault.close()
        if run:
            runs.append(elapsed)
            log(f"unlock {run}/{repeats}: {elapsed:.1f} ms")
    result = summary(runs)
    return {
        **result,
        "history_items": items,
        "vault_bytes": size,
        "cipher": cipher,
        "target_ms": UNLOCK_TARGET_MS,
        "meets_target": result["median_ms"] <= UNLOCK_TARGET_MS,
    }


# ----------------------------------------------------------------------------- b. import


def render_stickers(folder: Path, count: int, seed: int = 0) -> None:
    from drc_desktop.core import stickers

    folder.mkdir()
    rng = random.Random(seed)
    for i in range(count):
        image = stickers.render(
            stickers.sample_style(rng), stickers.sample_semantics(rng), seed=seed * 100_003 + i
        )
        image.save(folder / f"sticker-{i:05d}.png")


def child_import(count: int, images: Path, workdir: Path) -> None:
    """Runs in a fresh process: import ``count`` images into a new vault, print one JSON line."""
    import torch

    from drc_desktop.ml.backends import load_builtin
    from drc_desktop.services.intake import ImportStatus, import_files

    torch.set_num_threads(1)
    torch.set_flush_denormal(True)
    model = load_builtin("drc-mini")
    paths = sorted(images.iterdir())[:count]
    if len(paths) < count:
        raise SystemExit(f"only {len(paths)} images in {images}, {count} asked for")
    statuses: dict[str, int] = {}
    with Vault.create(workdir, PASSPHRASE) as vault:
        profile = vault.profiles.create("bench", "drc-mini")
        rss_before = peak_rss_mib()
        start = time.perf_counter()
        for result in import_files(vault, model, profile.id, paths):
            statuses[result.status.value] = statuses.get(result.status.value, 0) + 1
        seconds = time.perf_counter() - start
        stored = vault.history.count(profile.id)
    rss_after = peak_rss_mib()
    print(
        json.dumps(
            {
                "count": count,
                "seconds": seconds,
                "images_per_s": count / seconds,
                "peak_rss_before_import_mib": rss_before,
                "peak_rss_mib": rss_after,
                "statuses": statuses,
                "stored": stored,
                "all_imported": statuses.get(ImportStatus.imported.value, 0) == count,
                "torch_threads": torch.get_num_threads(),
            }
        )
    )


def run_child_import(count: int, images: Path, workdir: Path) -> dict[str, object]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.setdefault("OMP_NUM_THREADS", "1")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child-import",
        str(count),
        "--images",
        str(images),
        "--workdir",
        str(workdir),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"import child for N={count} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_import(root: Path, sizes: list[int], repeats: int) -> dict[str, object]:
    images = root / "stickers"
    log(f"import: rendering {max(sizes)} stickers")
    render_stickers(images, max(sizes))
    runs: dict[int, list[dict[str, object]]] = {n: [] for n in sizes}
    for rep in range(repeats):
        for n in sizes:  # interleaved, each in a fresh process and a fresh vault
            workdir = root / f"import-{n}-{rep}"
            result = run_child_import(n, images, workdir)
            runs[n].append(result)
            log(
                f"import rep {rep + 1}/{repeats} N={n}: {result['images_per_s']:.1f} images/s, "
                f"peak RSS {result['peak_rss_mib']:.1f} MiB"
            )
            shutil.rmtree(workdir)
    per_size: dict[str, object] = {}
    for n in sizes:
        results = runs[n]
        per_size[str(n)] = {
            "images_per_s": spread([r["images_per_s"] for r in results], 2),
            "seconds": spread([r["seconds"] for r in results], 3),
            "peak_rss_mib": spread([r["peak_rss_mib"] for r in results], 1),
            "peak_rss_before_import_mib": spread(
                [r["peak_rss_before_import_mib"] for r in results], 1
            ),
            "all_imported": all(r["all_imported"] for r in results),
            "statuses": results[-1]["statuses"],
        }
    out: dict[str, object] = {
        "sizes": sizes,
        "repeats": repeats,
        "torch_threads": runs[sizes[0]][0]["torch_threads"],
        "image_size": "64x64 RGB PNG stickers, all distinct",
        "per_size": per_size,
    }
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        rss_small = per_size[str(small)]["peak_rss_mib"]["median"]
        rss_large = per_size[str(large)]["peak_rss_mib"]["median"]
        out["peak_rss_growth_mib"] = round(rss_large - rss_small, 1)
        out["peak_rss_ratio"] = {f"{large}_vs_{small}": round(rss_large / rss_small, 3)}
    return out


# ----------------------------------------------------------------------------- c. vs sqlite


def open_cipher(path: Path) -> sql.Connection:
    connection = sql.open_keyed(path, PASSPHRASE)
    sql.apply_pragmas(connection)
    return connection


def open_plain(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA user_version").fetchone()
    for pragma in sql._OPEN_PRAGMAS:
        connection.execute(pragma).fetchall()
    return connection


def create_plain_schema(connection: sqlite3.Connection) -> None:
    for version, script in enumerate(MIGRATIONS):
        connection.execute("BEGIN IMMEDIATE")
        for statement in _statements(script):
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {version + 1}")
        connection.execute("COMMIT")


def fill(connection: object, items: int) -> tuple[int, int]:
    """Two profiles: ``load`` with ``items`` items (read by the load cases), ``write`` empty."""
    ids = []
    for name in ("load", "write"):
        connection.execute("BEGIN IMMEDIATE")
        cursor = connection.execute(
            "INSERT INTO profiles (name, model, created_at) VALUES (?, 'drc-mini', '2026')",
            (name,),
        )
        connection.execute("COMMIT")
        ids.append(cursor.lastrowid)
    history = HistoryRepository(connection)
    rng = np.random.default_rng(1)
    for i in range(items):
        history.add(ids[0], synthetic_vectors(rng), content_hash(f"load-{i}"))
    checkpoint(connection)
    return ids[0], ids[1]


def checkpoint(connection: object) -> None:
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def load_all_vectors(connection: object, profile_id: int) -> int:
    rows = connection.execute(
        "SELECT features, features_shape, style, style_shape, semantics, semantics_shape"
        " FROM history_items WHERE profile_id = ? ORDER BY id",
        (profile_id,),
    )
    count = 0
    for features, f_shape, style, s_shape, semantics, m_shape in rows:
        blob_to_array(features, f_shape)
        blob_to_array(style, s_shape)
        blob_to_array(semantics, m_shape)
        count += 1
    return count


def ratio_block(
    cipher_runs: list[float], plain_runs: list[float], target: float, **extra: object
) -> dict[str, object]:
    cipher, plain = summary(cipher_runs), summary(plain_runs)
    ratio = cipher["median_ms"] / plain["median_ms"]
    return {
        **extra,
        "sqlcipher": cipher,
        "sqlite": plain,
        "ratio": round(ratio, 3),
        "target_ratio": target,
        "meets_target": ratio <= target,
    }


def bench_vs_sqlite(root: Path, items: int, repeats: int) -> dict[str, object]:
    folder = root / "compare"
    folder.mkdir()
    paths = {"sqlcipher": folder / "cipher.db", "sqlite": folder / "plain.db"}
    openers: dict[str, Callable[[Path], object]] = {"sqlcipher": open_cipher, "sqlite": open_plain}
    log(f"sqlcipher_vs_sqlite: filling both databases with {items} items")
    connections: dict[str, object] = {}
    profiles: dict[str, tuple[int, int]] = {}
    for side, path in paths.items():
        connection = openers[side](path)
        if side == "sqlcipher":
            migrate(connection)
        else:
            create_plain_schema(connection)
        connections[side] = connection
        profiles[side] = fill(connection, items)

    # (i) per-commit writes: history.add, one transaction (+ audit entry) each.
    writes: dict[str, list[float]] = {side: [] for side in paths}
    rng = np.random.default_rng(2)
    vectors = [synthetic_vectors(rng) for _ in range(WRITES)]
    for run in range(repeats + 1):
        for side, connection in connections.items():
            history = HistoryRepository(connection)
            write_profile = profiles[side][1]
            start = time.perf_counter()
            for i, item in enumerate(vectors):
                history.add(write_profile, item, content_hash(f"write-{run}-{i}"))
            per_commit = ms_since(start) / WRITES
            if run:
                writes[side].append(per_commit)
        if run:
            log(
                f"writes {run}/{repeats}: "
                + ", ".join(f"{s} {w[-1]:.3f} ms" for s, w in writes.items())
            )
    for connection in connections.values():
        checkpoint(connection)

    # (ii) warm load of the features column, on connections that have read it once.
    warm: dict[str, list[float]] = {side: [] for side in paths}
    for run in range(repeats + 1):
        for side, connection in connections.items():
            start = time.perf_counter()
            _encoders, features = HistoryRepository(connection).features(profiles[side][0])
            elapsed = ms_since(start)
            assert features is not None and features.shape == (items, *SHAPE)
            if run:
                warm[side].append(elapsed)
        if run:
            log(
                f"warm {run}/{repeats}: "
                + ", ".join(f"{s} {w[-1]:.2f} ms" for s, w in warm.items())
            )

    # (iii) cold bulk load: a new connection, all three vector columns.
    cold_total: dict[str, list[float]] = {side: [] for side in paths}
    cold_open: dict[str, list[float]] = {side: [] for side in paths}
    for run in range(repeats + 1):
        for side, path in paths.items():
            start = time.perf_counter()
            if side == "sqlcipher":
                connection = sql.open_keyed(path, PASSPHRASE)  # connect, key, first page read
            else:
                connection = sqlite3.connect(str(path), isolation_level=None)
                connection.execute("PRAGMA user_version").fetchone()
            opened = ms_since(start)
            for pragma in sql._OPEN_PRAGMAS:
                connection.execute(pragma).fetchall()
            count = load_all_vectors(connection, profiles[side][0])
            total = ms_since(start)
            connection.close()
            assert count == items
            if run:
                cold_total[side].append(total)
                cold_open[side].append(opened)
        if run:
            log(
                f"cold {run}/{repeats}: "
                + ", ".join(
                    f"{s} {cold_total[s][-1]:.1f} ms (open {cold_open[s][-1]:.1f})" for s in paths
                )
            )
    page_cache = {
        side: {
            "cache_size": connection.execute("PRAGMA cache_size").fetchone()[0],
            "page_size": int(connection.execute("PRAGMA page_size").fetchone()[0]),
        }
        for side, connection in connections.items()
    }
    for connection in connections.values():
        connection.close()

    excluded = {
        side: [t - o for t, o in zip(cold_total[side], cold_open[side], strict=True)]
        for side in paths
    }
    return {
        "items": items,
        "pragmas": list(sql._OPEN_PRAGMAS),
        "sqlite_library_versions": {
            "sqlcipher": sqlite_version_of(paths["sqlcipher"]),
            "sqlite": sqlite3.sqlite_version,
        },
        "page_cache": {
            **page_cache,
            "note": (
                "each library's default cache_size (negative: KiB); the app sets none, so the "
                "warm load is served from the page cache only where the profile's pages fit"
            ),
        },
        "per_commit_write": ratio_block(
            writes["sqlcipher"],
            writes["sqlite"],
            WRITE_TARGET_RATIO,
            operation=(
                f"history.add of {WRITES} items (16x64 float32 x3), one BEGIN IMMEDIATE/COMMIT "
                "each with its audit entry; ms per commit"
            ),
        ),
        "warm_load": ratio_block(
            warm["sqlcipher"],
            warm["sqlite"],
            WARM_TARGET_RATIO,
            operation=(
                f"history.features of one profile ({items} items, features column only) on an "
                "open connection that has read it once"
            ),
        ),
        "cold_bulk_load": {
            "operation": (
                f"new connection, pragmas, then all {items} items' features, style and "
                "semantics columns of one profile, decoded to arrays (close not timed)"
            ),
            "cold_definition": COLD_DEFINITION,
            "key_derivation_ms": {
                "what": "connect + PRAGMA key + first page read (PRAGMA user_version)",
                **summary(cold_open["sqlcipher"]),
            },
            "sqlite_open_ms": {
                "what": "connect + first page read (PRAGMA user_version)",
                **summary(cold_open["sqlite"]),
            },
            "including_key_derivation": ratio_block(
                cold_total["sqlcipher"],
                cold_total["sqlite"],
                COLD_TARGET_RATIO,
                cold_definition=COLD_DEFINITION + "; timed from connect, key derivation included",
            ),
            "excluding_key_derivation": ratio_block(
                excluded["sqlcipher"],
                excluded["sqlite"],
                COLD_TARGET_RATIO,
                cold_definition=(
                    COLD_DEFINITION
                    + "; timed after connect + key + first page read, key derivation excluded"
                ),
            ),
        },
    }


def sqlite_version_of(path: Path) -> str:
    connection = sql.open_keyed(path, PASSPHRASE)
    try:
        return connection.execute("SELECT sqlite_version()").fetchone()[0]
    finally:
        connection.close()


# ----------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    if args.child_import is not None:
        child_import(args.child_import, args.images, args.workdir)
        return
    if args.repeats < HOUSE_MIN_REPEATS:
        log(f"note: {args.repeats} repeats, fewer than the {HOUSE_MIN_REPEATS} the targets ask for")
    sizes = sorted({int(n) for n in args.import_sizes.split(",") if n.strip()})
    result: dict[str, object] = {
        "benchmark": "vault",
        "python": sys.version.split()[0],
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "items": args.items,
        "repeats": args.repeats,
        "warmup": 1,
    }
    with tempfile.TemporaryDirectory(prefix="drc-bench-vault-") as temp:
        root = Path(temp)
        result["unlock_ms"] = bench_unlock(root, args.items, args.repeats)
        if args.skip_import:
            result["import"] = "skipped (--skip-import)"
        else:
            result["import"] = bench_import(root, sizes, args.repeats)
        result["sqlcipher_vs_sqlite"] = bench_vs_sqlite(root, args.items, args.repeats)
    emit(result)
    if args.out is not None:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
