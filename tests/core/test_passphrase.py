from __future__ import annotations

import io

import pytest

from drc_desktop.core import passphrase as module
from drc_desktop.core.errors import InputError
from drc_desktop.core.passphrase import PASSPHRASE, read_passphrase


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch):
    """A terminal on stdin whose hidden prompts answer from a list, recording each prompt."""
    answers: list[str] = []
    prompts: list[str] = []

    def getpass(prompt: str) -> str:
        prompts.append(prompt)
        return answers.pop(0)

    monkeypatch.delenv(PASSPHRASE, raising=False)
    monkeypatch.setattr(module.sys, "stdin", FakeTerminal())
    monkeypatch.setattr(module.getpass, "getpass", getpass)
    return answers, prompts


def test_environment_variable_wins_and_nothing_is_asked(monkeypatch, terminal):
    monkeypatch.setenv(PASSPHRASE, "from the environment")
    assert read_passphrase(PASSPHRASE, "Vault passphrase: ") == "from the environment"
    assert terminal[1] == []


def test_prompt_without_echo_and_confirmation(terminal):
    answers, prompts = terminal
    answers += ["s3cret words", "s3cret words"]
    assert read_passphrase(PASSPHRASE, "New: ", confirm=True) == "s3cret words"
    assert prompts == ["New: ", "Repeat to confirm: "]


def test_differing_confirmation_is_refused(terminal):
    terminal[0].extend(["one passphrase", "another one"])
    with pytest.raises(InputError, match="differ"):
        read_passphrase(PASSPHRASE, "New: ", confirm=True)


def test_no_terminal_and_no_variable_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(PASSPHRASE, raising=False)
    monkeypatch.setattr(module.sys, "stdin", io.StringIO("typed\n"))
    with pytest.raises(InputError, match=f"set {PASSPHRASE}"):
        read_passphrase(PASSPHRASE, "Vault passphrase: ")
