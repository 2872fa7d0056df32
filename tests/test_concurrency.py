"""Two processes on one vault: one importing, one listing and generating, at the same time."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from drc_desktop import cli
from drc_desktop.core import stickers

REPO_ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "concurrency passphrase"
IMPORTED = 24
ROUNDS = 4

# The reader keeps going until the importer has finished (and at least ROUNDS rounds), so the
# two really overlap; it prints how many outputs it generated.
READER = """
import os, sys
from drc_desktop.cli import main
reference, rounds, done_flag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
count = 0
while count < rounds or not os.path.exists(done_flag):
    count += 1
    for step in (["profile", "list"], ["history", "list", "Alice", "--json"],
                 ["generate", "--profile", "Alice", "--reference", reference, "--n", "1",
                  "--steps", "2"], ["outputs", "list"]):
        status = main(step)
        if status != 0:
            sys.exit(f"{' '.join(step)} exited {status}")
print("rounds", count)
"""

IMPORTER = """
import pathlib, sys
from drc_desktop.cli import main
status = main(["import", "Alice", sys.argv[1]])
pathlib.Path(sys.argv[2]).touch()
sys.exit(status)
"""


def test_importing_while_another_process_lists_and_generates(tmp_path, monkeypatch, capsys):
    rng = random.Random(2)
    style = stickers.sample_style(rng)
    seeded, batch = tmp_path / "seeded", tmp_path / "batch"
    seeded.mkdir()
    batch.mkdir()
    stickers.render(style, stickers.ALL_SEMANTICS[0]).save(seeded / "first.png")
    for index in range(IMPORTED):
        semantics = stickers.ALL_SEMANTICS[index % len(stickers.ALL_SEMANTICS)]
        stickers.render(style, semantics, seed=100 + index).save(batch / f"{index:02d}.png")
    reference = tmp_path / "reference.png"
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[3]).save(reference)

    environment = {"DRC_HOME": str(tmp_path / "home"), "DRC_PASSPHRASE": PASSPHRASE}
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    assert cli.main(["vault", "init"]) == cli.EXIT_OK
    assert cli.main(["profile", "create", "Alice"]) == cli.EXIT_OK
    assert cli.main(["import", "Alice", str(seeded)]) == cli.EXIT_OK

    done_flag = tmp_path / "import-finished"
    child_environment = {**os.environ, **environment, "PYTHONPATH": str(REPO_ROOT),
                         "OMP_NUM_THREADS": "1"}  # fmt: skip
    processes = [
        subprocess.Popen([sys.executable, "-c", IMPORTER, str(batch), str(done_flag)],
                         env=child_environment,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True),
        subprocess.Popen([sys.executable, "-c", READER, str(reference), str(ROUNDS),
                          str(done_flag)],
                         env=child_environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True),
    ]  # fmt: skip
    results = [process.communicate(timeout=600) for process in processes]
    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    rounds = int(results[1][0].strip().splitlines()[-1].split()[-1])
    imported_lines = results[0][0].strip().splitlines()
    assert [line.split("\t")[0] for line in imported_lines] == ["imported"] * IMPORTED

    capsys.readouterr()
    assert cli.main(["profile", "list", "--json"]) == cli.EXIT_OK
    (profile,) = json.loads(capsys.readouterr().out)
    assert profile["history_items"] == 1 + IMPORTED
    assert profile["outputs"] == rounds >= ROUNDS
    assert cli.main(["vault", "verify"]) == cli.EXIT_OK
