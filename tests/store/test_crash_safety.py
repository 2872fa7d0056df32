"""A writer killed with SIGKILL at random moments never damages the vault or loses a commit.

The child adds history items (synthetic vectors, one transaction each) and reports each id on
a pipe as soon as ``add`` returns; the parent kills it after a random delay, unlocks (the stale
session marker makes unlock run the full checks), verifies, and looks for every reported id.
``benchmarks/bench_crash.py`` runs many more rounds.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time

import pytest

from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE, synthetic_vectors

ROUNDS = 50

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs fork and SIGKILL",
)


def write_until_killed(home, profile_id: int, first_seed: int, report) -> None:
    with Vault.unlock(home, PASSPHRASE) as vault:
        report.send(-1)  # unlocked: the kill can only land in the middle of the writing
        seed = first_seed
        while True:
            item_id = vault.history.add(
                profile_id, synthetic_vectors(seed), vault.fingerprint(b"%d" % seed)
            )
            report.send(item_id)
            seed += 1


def test_sigkill_during_writes_loses_no_committed_item(home):
    with Vault.create(home, PASSPHRASE) as vault:
        profile_id = vault.profiles.create("Crash", "drc-mini").id
    context = multiprocessing.get_context("fork")
    rng = random.Random(1234)
    committed: set[int] = set()
    rounds_with_commits = 0
    for round_number in range(ROUNDS):
        receiver, sender = context.Pipe(duplex=False)
        child = context.Process(
            target=write_until_killed, args=(home, profile_id, round_number * 10_000, sender)
        )
        child.start()
        sender.close()
        assert receiver.poll(30), "the child did not unlock the vault"
        assert receiver.recv() == -1
        time.sleep(rng.uniform(0.0, 0.1))  # a random moment of the writing
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        reported = set()
        while receiver.poll():
            try:
                reported.add(receiver.recv())
            except EOFError:
                break
        receiver.close()
        committed |= reported
        rounds_with_commits += bool(reported)

        with Vault.unlock(home, PASSPHRASE) as vault:
            # the stale session marker made unlock run both integrity checks (or raise)
            assert vault.checked_after_crash, f"round {round_number}: crash not noticed"
            stored = {item.id for item in vault.history.list(profile_id)}
        assert committed <= stored, f"round {round_number}: lost {sorted(committed - stored)}"
    # the kills really landed while the child was writing, not before it started
    assert rounds_with_commits >= ROUNDS // 2
