"""The docs stay true: settings, commands and the changelog match the code."""

from __future__ import annotations

import re
from pathlib import Path

import dateline
from dateline.cli import cli
from dateline.config import SETTINGS
from tests.cli_docs import commands, help_text, render

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented_with_its_default() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        default = str(setting.default) if setting.default != "" else "(empty)"
        help_text = setting.help + (" (secret)" if setting.secret else "")
        assert f"| `{setting.env}` | `{default}` | {help_text} |" in page, setting.env


def test_cli_reference_is_current() -> None:
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), "docs/cli.md is stale: run scripts/cli-docs"


def test_every_command_has_help() -> None:
    for path in commands(cli):
        assert "Usage: dateline" in help_text(path)


def test_changelog_names_the_current_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, flags=re.M)
    assert versions and versions[0] == dateline.__version__


def test_public_names_are_sorted_and_complete() -> None:
    assert dateline.__all__ == sorted(dateline.__all__)
    for name in dateline.__all__:
        assert hasattr(dateline, name)


def test_readme_quickstart_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    lines = [line for line in block.strip().splitlines() if line.strip()]
    assert [line.split()[0] for line in lines] == ["./scripts/demo", "./scripts/test"]
