"""Attack the vault and the input paths as a careless user and a hostile file would (issue 13 §5).

Sections (each bounded; one JSON object on stdout, progress on stderr):

- ``kill_at_step``: init, backup and restore killed with SIGKILL right after each of their
  steps (``store.steps``), ``--step-rounds`` times each; then the next start must finish or
  undo the operation, keep every commit (the old vault holds 3 items in its file and 5 more
  only in its WAL) and leave no unmarked file behind.
- ``kill_at_random``: restore, backup and passwd killed after a random delay (seeded),
  ``--random-rounds`` rounds each, with the same checks.
- ``disk_full``: on a 16 MiB tmpfs with 64 inodes (needs root; skipped with the reason
  otherwise): unlock with no free inodes, on read-only media, verify and a backup on a full
  disk, writes on a full disk keep every committed row.
- ``passphrases``: a wrong passphrase changes no byte; raw-key forms in mixed case are
  refused wherever a new passphrase is set.
- ``hostile_files``: FIFOs, devices, folders, symbolic links and growing files on every
  input path (images, references, model files, backups with ``#``/``?``/``%`` paths),
  mutated safetensors headers; each must be refused at once with one clear error.
- ``import_memory``: ``--import-images`` PNGs just under the pixel cap imported with the
  built-in model; peak RSS over the RSS after model load (target: under 512 MiB).

POSIX only (fork, SIGKILL, FIFOs). Usage: ``python benchmarks/attack_vault.py [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import random
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from drc_desktop.core.errors import DrcError, InputError, VaultError, WrongPassphraseError
from drc_desktop.core.images import MAX_PIXELS, read_image
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.store import connection as sql
from drc_desktop.store import steps
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.vault import Vault

PASSPHRASE = "attack benchmark passphrase"
BACKUP_PASSPHRASE = "attack backup passphrase"
NEW_PASSPHRASE = "attack passphrase after"
ROOT = Path(__file__).resolve().parents[1]
ODD_FOLDERS = ("Backup #2", "what?", "100% a b", "é 备份 &=;")

CHILD = f"""
import os, signal, sys, time
from pathlib import Path
from drc_desktop.store import steps
from drc_desktop.store.vault import Vault

operation, kill_at, home, other = sys.argv[1:5]
if kill_at != "-":
    steps.hook = lambda step: step == kill_at and os.kill(os.getpid(), signal.SIGKILL)
print("ready", flush=True)
if operation == "restore":
    Vault.restore(Path(home), Path(other), {BACKUP_PASSPHRASE!r}, {NEW_PASSPHRASE!r})
elif operation == "backup":
    with Vault.unlock(Path(home), {PASSPHRASE!r}) as vault:
        vault.backup(Path(other), {BACKUP_PASSPHRASE!r})
elif operation == "passwd":
    with Vault.unlock(Path(home), {PASSPHRASE!r}) as vault:
        vault.rekey({NEW_PASSPHRASE!r})
elif operation == "init":
    Vault.create(Path(home), {PASSPHRASE!r}).close()
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def vectors(seed: int) -> ImageVectors:
    rng = np.random.default_rng(seed)
    return ImageVectors("attack@0", *(rng.standard_normal((16, 64)) for _ in range(3)))


def add_items(vault: Vault, name: str, count: int, first: int = 0) -> None:
    profile = vault.profiles.create(name, "drc-mini").id
    for seed in range(first, first + count):
        vault.history.add(profile, vectors(seed), vault.fingerprint(b"%d" % seed))


def _die_with_wal(home: str) -> None:
    vault = Vault.unlock(Path(home), PASSPHRASE)
    add_items(vault, "Only in the WAL", 5, 100)
    os.kill(os.getpid(), signal.SIGKILL)


def make_template(root: Path) -> Path:
    """A vault with 3 items in its file and 5 only in its WAL, and a backup of the 3."""
    with Vault.create(root / "home", PASSPHRASE) as vault:
        add_items(vault, "Backed up", 3)
        vault.backup(root / "backup.drc", BACKUP_PASSPHRASE)
    pid = os.fork()
    if pid == 0:
        try:
            _die_with_wal(str(root / "home"))
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    return root


def child(operation: str, step: str, home: Path, other: Path | str = "-", delay: float = -1):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, operation, step, str(home), str(other)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    process.stdout.readline()  # "ready": imports done
    if delay >= 0:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=120)
    return process.returncode, process.stderr.read()[-400:]


def items_in(home: Path, passphrase: str) -> int:
    with Vault.unlock(home, passphrase) as vault:
        return vault.info().history_items


def check_restore_round(home: Path) -> str:
    """'finished', 'undone' or a description of what went wrong."""
    try:
        count = items_in(home, NEW_PASSPHRASE)
    except WrongPassphraseError:
        count = items_in(home, PASSPHRASE)
        return "undone" if count == 8 else f"undone but {count} items, not 8"
    if count != 3:
        return f"finished but {count} items, not 3"
    asides = sorted(home.glob("vault.before-restore-*.db"))
    if not asides:
        return "finished" if not (home / "vault.db-wal").exists() else "no aside"
    old = home.parent / f"old-{time.monotonic_ns()}"
    old.mkdir()
    for suffix in ("", "-wal", "-shm"):
        if Path(str(asides[-1]) + suffix).exists():
            shutil.copy(str(asides[-1]) + suffix, str(old / VAULT_FILE) + suffix)
    kept = items_in(old, PASSPHRASE)
    return "finished" if kept == 8 else f"finished but the old vault kept {kept} of 8 items"


def check_backup_round(home: Path, folder: Path) -> str:
    target = folder / "b.drc"
    with Vault.unlock(home, PASSPHRASE) as vault:
        if target.exists():
            target = folder / "b2.drc"
        vault.backup(target, BACKUP_PASSPHRASE)
    names = sorted(p.name for p in folder.iterdir())
    if names not in (["b.drc", "user.partial"], ["b.drc", "b2.drc", "user.partial"]):
        return f"left {names}"
    for backup in folder.glob("*.drc"):
        copy = sql.open_keyed(backup, BACKUP_PASSPHRASE, read_only=True)
        try:
            sql.check_integrity(copy, backup)
            count = copy.execute("SELECT count(*) FROM history_items").fetchone()[0]
        finally:
            copy.close()
        if count != 8:
            return f"{backup.name} holds {count} of 8 items"
    return "ok"


def check_passwd_round(home: Path) -> str:
    for passphrase in (PASSPHRASE, NEW_PASSPHRASE):
        try:
            with Vault.unlock(home, passphrase) as vault:
                vault.verify()
                count = vault.info().history_items
            return "ok" if count == 8 else f"{count} of 8 items"
        except WrongPassphraseError:
            continue
    return "neither passphrase opens the vault"


def round_in(template: Path, work: Path) -> Path:
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(template, work)
    return work


def kill_at_step(template: Path, work: Path, rounds: int) -> dict:
    outcomes: dict[str, dict[str, int]] = {}

    def record(operation: str, step: str, outcome: str) -> None:
        outcomes.setdefault(f"{operation}:{step}", {}).setdefault(outcome, 0)
        outcomes[f"{operation}:{step}"][outcome] += 1

    for _ in range(rounds):
        for step in steps.RESTORE_STEPS:
            folder = round_in(template, work)
            code, _ = child("restore", step, folder / "home", folder / "backup.drc")
            record("restore", step, check_restore_round(folder / "home") if code == -9 else
                   f"exit {code}")  # fmt: skip
        for step in steps.BACKUP_STEPS:
            folder = round_in(template, work)
            (folder / "out").mkdir()
            (folder / "out" / "user.partial").write_text("the user's")
            code, _ = child("backup", step, folder / "home", folder / "out" / "b.drc")
            outcome = check_backup_round(folder / "home", folder / "out")
            record("backup", step, outcome if code == -9 else f"exit {code}")
        for step in steps.INIT_STEPS:
            home = work / "init" / "home"
            shutil.rmtree(work / "init", ignore_errors=True)
            code, _ = child("init", step, home)
            with contextlib.suppress(VaultError):  # "already exists" when killed after placing
                Vault.create(home, PASSPHRASE).close()
            try:
                outcome = "ok" if items_in(home, PASSPHRASE) == 0 else "items?"
            except DrcError as exc:
                outcome = f"cannot open: {exc}"
            names = sorted(p.name for p in home.iterdir())
            if names != ["sessions", VAULT_FILE]:
                outcome = f"left {names}"
            record("init", step, outcome if code == -9 else f"exit {code}")
        log(f"kill_at_step: {len(outcomes)} steps")
    failures = sum(n for o in outcomes.values() for k, n in o.items()
                   if k not in ("ok", "finished", "undone"))  # fmt: skip
    return {"rounds_per_step": rounds, "outcomes": outcomes, "failures": failures}


def kill_at_random(template: Path, work: Path, rounds: int, seed: int) -> dict:
    rng = random.Random(seed)
    results: dict[str, dict[str, int]] = {"restore": {}, "backup": {}, "passwd": {}}
    for _ in range(rounds):
        for operation in results:
            folder = round_in(template, work)
            if operation == "backup":
                (folder / "out").mkdir()
                (folder / "out" / "user.partial").write_text("the user's")
            other = {"restore": folder / "backup.drc", "backup": folder / "out" / "b.drc"}
            delay = rng.uniform(0.0, 1.2)
            code, _ = child(operation, "-", folder / "home", other.get(operation, "-"), delay)
            if operation == "restore":
                outcome = check_restore_round(folder / "home")
            elif operation == "backup":
                outcome = check_backup_round(folder / "home", folder / "out")
            else:
                outcome = check_passwd_round(folder / "home")
            key = outcome if code == -9 else f"{outcome} (completed)"
            results[operation][key] = results[operation].get(key, 0) + 1
    failures = sum(n for o in results.values() for k, n in o.items()
                   if not k.startswith(("ok", "finished", "undone")))  # fmt: skip
    return {"rounds": rounds, "outcomes": results, "failures": failures}


def disk_full(work: Path) -> dict:
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        return {"skipped": "needs root on Linux to mount a small tmpfs"}
    mount = work / "tmpfs"
    mount.mkdir(parents=True)
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,nr_inodes=64", "tmpfs",
                        str(mount)], check=True, capture_output=True)  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as exc:
        return {"skipped": f"cannot mount a tmpfs here ({exc})"}
    results = {}
    try:
        home = mount / "home"
        with Vault.create(home, PASSPHRASE) as vault:
            add_items(vault, "Kept", 20)
        results["no_free_inodes"] = _message_of(lambda: _fill_inodes_then_unlock(mount, home))
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        results["read_only_media"] = _message_of(lambda: items_in(home, PASSPHRASE))
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
        with Vault.unlock(home, PASSPHRASE) as vault:
            add_items(vault, "More", 10, 50)
            _fill(mount)
            try:
                add_items(vault, "On a full disk", 50, 500)
                results["write_on_full_disk"] = "no error?"
            except sql.DatabaseError as exc:
                results["write_on_full_disk"] = f"{exc} (sqlite code {sql.primary_code(exc)})"
            vault.verify()
            results["backup_on_full_disk"] = _message_of(
                lambda: vault.backup(mount / "backup.drc", BACKUP_PASSPHRASE)
            )
        results["verify_notes"] = vault.notes
        (mount / "filler").unlink()
        results["items_after"] = items_in(home, PASSPHRASE)
        results["committed_kept"] = results["items_after"] >= 30
        results["files_left"] = sorted(p.name for p in mount.iterdir())
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    return results


def _fill_inodes_then_unlock(mount: Path, home: Path) -> None:
    made = []
    try:
        while True:
            path = mount / f"inode-{len(made)}"
            path.touch()
            made.append(path)
    except OSError:
        pass
    try:
        items_in(home, PASSPHRASE)
    finally:
        for path in made:
            path.unlink()


def _fill(mount: Path) -> None:
    try:
        with open(mount / "filler", "wb") as file:
            while True:
                file.write(b"\0" * 65536)
    except OSError:
        pass


def _message_of(action) -> str:
    try:
        action()
    except DrcError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "no error"


def passphrases(work: Path) -> dict:
    home = work / "pass" / "home"
    with Vault.create(home, PASSPHRASE) as vault:
        add_items(vault, "P", 2)
    digest = hashlib.sha256((home / VAULT_FILE).read_bytes()).hexdigest()
    wrong = 0
    for attempt in ("wrong", PASSPHRASE.upper(), PASSPHRASE + " ", "x'" + "00" * 32 + "'"):
        try:
            Vault.unlock(home, attempt).close()
        except WrongPassphraseError:
            wrong += 1
    unchanged = hashlib.sha256((home / VAULT_FILE).read_bytes()).hexdigest() == digest
    rng = random.Random(7)
    refused = tried = 0
    for _ in range(200):
        key = "".join(rng.choice("0123456789abcdefABCDEF") for _ in range(rng.choice((64, 96))))
        raw = rng.choice("xX") + "'" + key + "'"
        tried += 1
        try:
            sql.check_new_passphrase(raw)
        except InputError:
            refused += 1
    return {"wrong_refused": wrong, "of": 4, "file_unchanged": unchanged,
            "raw_keys_refused": refused, "raw_keys_tried": tried}  # fmt: skip


def hostile_files(work: Path) -> dict:
    from drc_desktop.ml.sd.formats import detect

    folder = work / "hostile"
    folder.mkdir(parents=True)
    fifo = folder / "image.png"
    os.mkfifo(fifo)
    (folder / "link.png").symlink_to(fifo)
    (folder / "model.safetensors").symlink_to(fifo)
    growing = folder / "growing.png"
    growing.write_bytes(b"")
    stop = threading.Event()

    def grow() -> None:
        with open(growing, "ab") as file:
            while not stop.is_set():
                file.write(b"\0" * 65536)

    writer = threading.Thread(target=grow, daemon=True)
    writer.start()
    cases = {
        "image: FIFO": lambda: read_image(fifo),
        "image: symlink to FIFO": lambda: read_image(folder / "link.png"),
        "image: /dev/zero": lambda: read_image("/dev/zero"),
        "image: /dev/urandom": lambda: read_image("/dev/urandom"),
        "image: folder": lambda: read_image(folder),
        "image: growing file": lambda: read_image(growing),
        "model: symlink to FIFO": lambda: detect(folder / "model.safetensors"),
        "model: /dev/zero named .safetensors": lambda: detect(_link(folder, "/dev/zero")),
    }
    results = {}
    for name, action in cases.items():
        start = time.perf_counter()
        results[name] = {"outcome": _message_of(action)[:160],
                         "seconds": round(time.perf_counter() - start, 3)}  # fmt: skip
    stop.set()
    writer.join()
    results["mutated_headers"] = _mutated_headers(folder)
    results["odd_backup_paths"] = _odd_paths(work / "odd")
    return results


def _link(folder: Path, target: str) -> Path:
    link = folder / "zero.safetensors"
    link.symlink_to(target)
    return link


def _mutated_headers(folder: Path, rounds: int = 400) -> dict:
    from safetensors import safe_open
    from safetensors.numpy import save_file

    from drc_desktop.core.errors import ModelError
    from drc_desktop.ml.sd.formats import read_safetensors_header

    path = folder / "mutant.safetensors"
    save_file({"a": np.zeros((4, 4), np.float32), "b": np.ones(3, np.float16)}, str(path))
    raw = path.read_bytes()
    rng = random.Random(3)
    counts = {"refused": 0, "accepted_and_loads": 0, "accepted_but_fails_to_load": 0,
              "other_exception": 0}  # fmt: skip
    for _ in range(rounds):
        data = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.2:
            data[:8] = struct.pack("<Q", rng.randrange(0, 2 * len(raw)))
        path.write_bytes(bytes(data))
        try:
            read_safetensors_header(path)
        except ModelError:
            counts["refused"] += 1
            continue
        except Exception:  # counted: the benchmark reports it
            counts["other_exception"] += 1
            continue
        try:
            with safe_open(str(path), framework="numpy") as file:
                for key in file.keys():  # noqa: SIM118 - safe_open has no __iter__
                    file.get_tensor(key)
            counts["accepted_and_loads"] += 1
        except Exception:  # counted
            counts["accepted_but_fails_to_load"] += 1
    return counts


def _odd_paths(folder: Path) -> dict:
    results = {}
    home = folder / "home #1?"
    with Vault.create(home, PASSPHRASE) as vault:
        add_items(vault, "Odd", 3)
        for name in ODD_FOLDERS:
            (folder / name).mkdir()
            vault.backup(folder / name / "drc.vault", BACKUP_PASSPHRASE)
    for name in ODD_FOLDERS:
        source = folder / name / "drc.vault"
        wrong = _message_of(lambda s=source: Vault.restore(home, s, "wrong one", PASSPHRASE))
        Vault.restore(home, source, BACKUP_PASSPHRASE, PASSPHRASE)
        results[name] = {"wrong": wrong.split(":")[0], "items": items_in(home, PASSPHRASE)}
    return results


def import_memory(work: Path, images: int) -> dict:
    from PIL import Image

    from drc_desktop.core.requests import BUILTIN_MODEL
    from drc_desktop.ml.builtin.drc_mini import MiniModel
    from drc_desktop.services.intake import ImportStatus, import_files

    folder = work / "large"
    folder.mkdir(parents=True)
    side = int(MAX_PIXELS**0.5) - 8  # just under the pixel cap
    for index in range(images):
        png = io.BytesIO()
        colour = (index * 13 % 256, 90, 255 - index * 7 % 256)
        Image.new("RGB", (side, side), colour).save(png, format="PNG", compress_level=1)
        (folder / f"{index:02d}.png").write_bytes(png.getvalue())
    sizes = sum(p.stat().st_size for p in folder.iterdir())
    with Vault.create(work / "memory-home", PASSPHRASE) as vault:
        profile = vault.profiles.create("Memory", BUILTIN_MODEL).id
        model = MiniModel.load()
        after_load = _peak_mib()
        start = time.perf_counter()
        results = list(import_files(vault, model, profile, [folder]))
        seconds = time.perf_counter() - start
    peak = _peak_mib()
    return {
        "images": images, "side": side, "file_bytes": sizes,
        "imported": sum(r.status == ImportStatus.imported for r in results),
        "rss_after_model_load_mib": round(after_load), "peak_rss_mib": round(peak),
        "growth_mib": round(peak - after_load), "target_mib": 512,
        "seconds": round(seconds, 1),
    }  # fmt: skip


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step-rounds", type=int, default=2)
    parser.add_argument("--random-rounds", type=int, default=8)
    parser.add_argument("--import-images", type=int, default=16)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--quick", action="store_true", help="1 round each, 4 images")
    return parser.parse_args()


def main() -> int:
    if os.name != "posix":
        print(json.dumps({"skipped": "POSIX only (fork, SIGKILL, FIFOs)"}))
        return 2
    args = parse_args()
    if args.quick:
        args.step_rounds, args.random_rounds, args.import_images = 1, 1, 4
    report: dict = {"started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="drc-attack-") as scratch:
        work = Path(scratch)
        template = make_template(work / "template")
        sections = {
            "passphrases": lambda: passphrases(work),
            "hostile_files": lambda: hostile_files(work),
            "disk_full": lambda: disk_full(work),
            "kill_at_step": lambda: kill_at_step(template, work / "round", args.step_rounds),
            "kill_at_random": lambda: kill_at_random(
                template, work / "round", args.random_rounds, args.seed
            ),
            "import_memory": lambda: import_memory(work, args.import_images),
        }
        for name, run in sections.items():
            start = time.perf_counter()
            log(f"{name}...")
            report[name] = run()
            report[name + "_seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    failures = report["kill_at_step"]["failures"] + report["kill_at_random"]["failures"]
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
