"""Render docs/cli.md from the ``--help`` of every ``dateline`` command."""

from __future__ import annotations

import click
from click.testing import CliRunner

from dateline.cli import cli


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name in sorted(group.commands):
        command = group.commands[name]
        if isinstance(command, click.Group):
            found.extend(commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


def help_text(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="dateline", terminal_width=88)
    assert result.exit_code == 0, result.output
    return result.output.rstrip()


def render() -> str:
    parts = [
        "# The dateline command",
        "",
        "Generated from each command's `--help` by `scripts/cli-docs`; a test keeps it current.",
    ]
    for path in commands(cli):
        parts += ["", f"## dateline {' '.join(path)}".rstrip(), "", "```", help_text(path), "```"]
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    print(render(), end="")
