"""``icor help``: the same as --help, per command, and the topics, whose text is written
once (icor_cli/helptopics.py) and shown identically in the README and the man page;
``icor --help`` grouped with whole summaries; usage lines with plain metavars."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import ROOT, Result

from icor_cli.commandline import COMMAND_GROUPS, summary
from icor_cli.helptopics import TOPICS, readme_blocks, with_topics
from icor_cli.manpage import render

Run = Callable[..., Result]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("topic", sorted(TOPICS))
def test_readme_shows_each_topic_as_icor_help_prints_it(icor: Run, topic: str) -> None:
    blocks = readme_blocks(README)
    assert topic in blocks, f"README has no <!-- help: {topic} --> block"
    assert blocks[topic] == TOPICS[topic], (
        "README differs from `icor help " + topic + "`: run python -m icor_cli.helptopics "
        "README.md")
    done = icor("help", topic)
    assert (done.exit_code, done.stdout, done.stderr) == (0, TOPICS[topic], "")


def test_with_topics_rewrites_only_the_blocks() -> None:
    stale = README.replace(TOPICS["formats"], "old text\n", 1)
    assert stale != README
    assert with_topics(stale) == README


def test_topics_fit_in_88_columns() -> None:
    for topic, text in TOPICS.items():
        assert all(len(line) <= 88 for line in text.splitlines()), topic


def test_environment_names_every_variable_icor_reads() -> None:
    import subprocess

    found = subprocess.run(["grep", "-rhoE", r"(environ(\.get)?\(|getenv\(|environ\[)\"[A-Z_]+\"",
                            str(ROOT / "icor_cli")], capture_output=True, text=True).stdout
    names = set(re.findall(r'"([A-Z_]+)"', found))
    names |= {"ICOR_REGISTRY", "ICOR_LOCK_TIMEOUT", "ICOR_FORCE_TERMINAL", "ICOR_PAGER",
              "PAGER", "NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY",
              "GITHUB_WORKSPACE", "ICOR_DEBUG"}
    for name in names:
        assert name in TOPICS["environment"], name


def test_exit_codes_match_the_error_classes() -> None:
    from icor_cli import errors

    codes = {cls.exit_code for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.IcorError)}
    for code in {*codes, 0, 70, 130}:
        assert re.search(rf"^{code}\s", TOPICS["exit-codes"], re.MULTILINE), code


def test_help_is_the_same_as_dash_dash_help(icor: Run) -> None:
    assert icor("help").stdout == icor("--help").stdout
    assert icor("help", "search").stdout == icor("search", "--help").stdout


def test_unknown_topic_is_usage_error(icor: Run) -> None:
    done = icor("help", "colours")
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr.startswith("icor: error: no help topic or command 'colours'; "
                                  "topics: environment, exit-codes, formats, file-format;")


def test_root_help_groups_commands_with_whole_summaries(icor: Run, invoke: Run) -> None:
    text = icor("--help").stdout
    sections = re.findall(r"^(\w+) commands:$", text, re.MULTILINE)
    known = [group for group in COMMAND_GROUPS if group in sections]
    assert sections[:len(known)] == known
    assert {"Read", "Change", "Check", "Help"} <= set(sections)
    flat = " ".join(text.split())
    import typer

    from icor_cli.cli import app

    group = typer.main.get_command(app)
    ctx = group.make_context("icor", [], resilient_parsing=True)
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        assert f"{name} {summary(command)}" in flat, name
        assert "..." not in summary(command)


def test_usage_lines_say_member_not_braces(icor: Run) -> None:
    for command in ("show", "deactivate", "reactivate", "search", "validate", "help"):
        usage = icor(command, "--help").stdout.splitlines()[0]
        assert "{" not in usage and "<" not in usage, usage
    assert icor("show", "--help").stdout.startswith("Usage: icor show [OPTIONS] MEMBER\n")
    assert icor("validate", "--help").stdout.startswith(
        "Usage: icor validate [OPTIONS] [FILE]...\n")


@pytest.mark.generated
def test_man_page_is_current() -> None:
    committed = (ROOT / "icor.1").read_text(encoding="utf-8")
    assert committed == render(), "icor.1 is stale: python -m icor_cli.manpage > icor.1"


def test_man_page_has_every_command_and_topic() -> None:
    page = render()
    for heading in ("ENVIRONMENT", "EXIT STATUS", "OUTPUT FORMATS", "FILES"):
        assert f".SH {heading}\n" in page
    for name in ("list", "search", "validate", "fmt", "completion", "help"):
        assert f".SS icor {name}\n" in page
    assert not re.search(r"^\.(?!nf|fi|SH|SS|TH|B |\\\")", page, re.MULTILINE)


def test_man_renders(tmp_path: object) -> None:
    import shutil
    import subprocess

    man = shutil.which("man")
    if man is None:
        pytest.skip("man is not installed")
    done = subprocess.run([man, "-l", str(ROOT / "icor.1")], capture_output=True, text=True,
                          env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "MANPAGER": "cat"})
    assert done.returncode == 0, done.stderr
    assert "icor validate" in done.stdout
