"""The commands of the Python examples' READMEs, run as written (from the repository root, with
this Python), each printing exactly the ```text block that follows it in the README. The
Chemeleon2 example needs torch, so it runs in the environment that has it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import BINARY, ROOT

BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)


def readme_commands(example: str) -> list[tuple[str, str | None]]:
    """Each `python ...` line of the README's ```sh blocks; the last of a block comes with the
    ```text block right after it, if there is one."""
    blocks = BLOCK.findall((ROOT / "Examples" / example / "README.md").read_text())
    found: list[tuple[str, str | None]] = []
    for index, (kind, body) in enumerate(blocks):
        if kind != "sh":
            continue
        after = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        expected = after[1] if after[0] == "text" else None
        commands = [line for line in body.splitlines() if line.startswith("python ")]
        found += [(command, expected if number == len(commands) - 1 else None)
                  for number, command in enumerate(commands)]
    return found


@pytest.mark.parametrize("example", ["python-client", "trl-cif", "chemeleon2"])
def test_readme_commands_print_what_the_readme_shows(example):
    if example == "chemeleon2":
        pytest.importorskip("torch")
    commands = readme_commands(example)
    assert commands, f"no commands in Examples/{example}/README.md"
    environment = dict(os.environ, CRYSTALRL_BINARY=BINARY, PYTHONWARNINGS="ignore")
    for command, expected in commands:
        arguments = command.split()
        run = subprocess.run([sys.executable, *arguments[1:]], cwd=ROOT, env=environment,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, f"{command}: {run.stderr}"
        if expected is not None:
            assert run.stdout.strip() == expected.strip(), f"{command} printed:\n{run.stdout}"
