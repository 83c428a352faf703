"""``icor add``: every field, id derivation, prompts, every refusal leaving the file as it was,
and the canonical form (adding a member adds only that member's lines)."""

from __future__ import annotations

import difflib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import FIXTURE, Result

from icor_cli.models import Registry
from icor_cli.store import dump

Run = Callable[..., Result]


def members(path: Path) -> dict[str, dict[str, object]]:
    data = tomli.loads(path.read_text(encoding="utf-8"))
    return data["members"]  # type: ignore[no-any-return]


def registry(path: Path) -> Registry:
    return Registry.from_data(tomli.loads(path.read_text(encoding="utf-8")))


def added_lines(before: bytes, after: bytes) -> tuple[list[str], list[str]]:
    """(removed, added) lines between two versions of the file."""
    removed, added = [], []
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(),
                                lineterm="", n=0)
    for line in diff:
        if line.startswith("---") or line.startswith("+++"):
            continue
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    return removed, added


def test_add_with_every_field(invoke: Run, registry_file: Path) -> None:
    result = invoke("add", "--abbreviation", "KP", "--name", "Komunistická partie",
                    "--name-en", "Communist Party", "--country", "Czechia", "--region", "europe",
                    "--founding", "--joined", "2024-05-01", "--notes", "Joined at the 2024 WC")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "kp\n"
    assert "added kp (KP, CZ, Europe)" in result.stderr
    assert members(registry_file)["kp"] == {
        "abbreviation": "KP", "name": "Komunistická partie", "name_en": "Communist Party",
        "country": "CZ", "region": "Europe", "status": "active", "founding": True,
        "joined": __import__("datetime").date(2024, 5, 1), "notes": "Joined at the 2024 WC",
    }


def test_region_is_taken_from_the_country_members(invoke: Run, registry_file: Path) -> None:
    result = invoke("add", "-a", "NKP", "-n", "Neue Kommunistische Partei", "-c", "Germany")
    assert result.exit_code == 0, result.stderr
    assert members(registry_file)["nkp"]["region"] == "Europe"
    assert members(registry_file)["nkp"]["founding"] is False


def test_adding_adds_only_the_members_lines(invoke: Run, registry_file: Path) -> None:
    """A reviewer's diff shows just the new member: a contiguous block of its lines."""
    for abbreviation in ("AAA", "MMM", "ZZZ"):  # first, middle and last by id
        before = registry_file.read_bytes()
        result = invoke("add", "-a", abbreviation, "-n", f"Party {abbreviation}", "-c", "FR")
        assert result.exit_code == 0, result.stderr
        removed, added = added_lines(before, registry_file.read_bytes())
        assert removed == []
        new_id = abbreviation.lower()
        assert f"[members.{new_id}]" in added
        assert [line for line in added if line] == [
            f"[members.{new_id}]", f'abbreviation = "{abbreviation}"',
            f'name = "Party {abbreviation}"', 'country = "FR"', 'region = "Europe"',
            'status = "active"', "founding = false",
        ]
        # and the result is canonical
        assert dump(registry(registry_file)) == registry_file.read_text(encoding="utf-8")


def test_update_stated_moves_the_counts_in_the_same_write(
    invoke: Run, registry_file: Path, icor: Run
) -> None:
    before = registry(registry_file).stated
    result = invoke("add", "-a", "PCA", "-n", "Partido Comunista de Andorra", "-c", "Andorra",
                    "--region", "Europe", "--update-stated")
    assert result.exit_code == 0, result.stderr
    after = registry(registry_file).stated
    assert (after.active, after.inactive, after.total, after.countries) == (
        before.active + 1, before.inactive, before.total + 1, before.countries + 1)
    assert after.active_by_region["Europe"] == before.active_by_region["Europe"] + 1
    assert after.source == before.source
    assert "active 57 -> 58" in result.stderr
    assert icor("validate").exit_code == 0


def test_without_update_stated_it_says_which_figures_are_out_of_date(
    invoke: Run, registry_file: Path
) -> None:
    result = invoke("add", "-a", "PCA", "-n", "Partido Comunista de Andorra", "-c", "AD",
                    "--region", "Europe")
    assert result.exit_code == 0
    message = result.stderr
    assert "out of date" in message
    for figure in ("active 57 (now 58)", "total 59 (now 60)", "countries 45 (now 46)",
                   "active in Europe 26 (now 27)"):
        assert figure in message
    assert "inactive" not in message.split("out of date", 1)[1].split(";")[0]
    assert registry(registry_file).stated.active == 57


@pytest.mark.parametrize(
    ("abbreviation", "country", "expected"),
    [
        ("БРП", "BG", "brp"),
        ("\u039a\u039a\u0395 (\u03bc-\u03bb)", "GR", "kke-m-l"),  # Greek KKE (m-l)
        ("PC-ML", "CO", "pc-ml"),  # folds like PC (ML) and PC/ML, in other countries
        ("MLPD!", "AT", "mlpd-at"),  # mlpd taken by Germany's MLPD
    ],
)
def test_id_is_a_transliterated_unique_slug(
    invoke: Run, registry_file: Path, abbreviation: str, country: str, expected: str
) -> None:
    result = invoke("add", "-a", abbreviation, "-n", "Some Party", "-c", country,
                    "--region", "Europe")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == expected
    assert expected in members(registry_file)


def test_id_numbered_when_slug_and_country_variant_are_taken(
    invoke: Run, registry_file: Path
) -> None:
    def add(abbreviation: str, country: str, *extra: str) -> Result:
        return invoke("add", "-a", abbreviation, "-n", "Party", "-c", country,
                      "--region", "Europe", *extra)

    assert add("Y", "SE").stdout == "y\n"
    assert add("Y!", "FI").stdout == "y-fi\n"  # folds like Y, but in another country
    assert add("Y.", "IS", "--id", "y-dk").stdout == "y-dk\n"
    assert add("Y?", "DK").stdout == "y-dk-2\n"
    assert add("(Y)", "DK").exit_code == 2  # the same as Y? within Denmark
    assert add("Y-", "NO").stdout == "y-no\n"


def unchanged(path: Path, before: bytes) -> bool:
    leftovers = [p.name for p in path.parent.iterdir() if p.name.endswith(".icor-tmp")]
    return path.read_bytes() == before and not leftovers


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-a", "MLPD", "-n", "X", "-c", "DE"], "abbreviation 'MLPD' is also used by 'mlpd'"),
        (["-a", "m.l.p.d.", "-n", "X", "-c", "DE"], "ignoring case, spacing, punctuation"),
        (["-a", "БКП", "-n", "X", "-c", "BG"], "also used by 'bkp'"),
        (["-a", "N", "-n", "X", "-c", "Narnia"], "unknown country 'Narnia'"),
        (["-a", "N", "-n", "X", "-c", "DE", "--region", "Mars"], "unknown region 'Mars'"),
        (["-a", "N", "-n", "X", "-c", "AQ"], "--region (AQ has no members yet"),
        (["-a", "N", "-n", "X", "-c", "DE", "--id", "Not_A_Slug"], "is not a valid id"),
        (["-a", "N", "-n", "X", "-c", "DE", "--id", "mlpd"], "ids are never reused"),
        (["-a", "N", "-n", "X", "-c", "DE", "--joined", "2024-02-30"], "is not a date"),
        (["-a", "N", "-n", "X", "-c", "DE", "--joined", "2009-01-01"],
         "before the organisation was founded"),
        (["-a", "N", "-n", "bad\u0007name", "-c", "DE"], "control or invisible character"),
        (["-a", "N", "-n", "   ", "-c", "DE"], "missing required option: --name"),
    ],
)
def test_bad_input_is_exit_2_and_writes_nothing(
    invoke: Run, registry_file: Path, args: list[str], message: str
) -> None:
    before = registry_file.read_bytes()
    result = invoke("add", *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("icor: error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert unchanged(registry_file, before)


def test_missing_options_without_a_terminal_are_named_in_one_line(
    icor: Run, registry_file: Path
) -> None:
    before = registry_file.read_bytes()
    result = icor("add", "--name-en", "Something")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    for option in ("--abbreviation", "--name", "--country", "--region"):
        assert option in result.stderr
    assert registry_file.read_bytes() == before


def test_prompts_on_a_terminal(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icor_cli.commands import write

    monkeypatch.setattr(write, "_interactive", lambda: True)
    # a bad country is asked again; the region is offered as a numbered choice
    # then founding, joined and notes are skipped with Enter, and Enter confirms
    result = invoke("add", "--name-en", "Antarctic Party",
                    input="APP\nAntarktische Partei\nAtlantis\nAntarctica\nmars\n2\n\n\n\n\n")
    assert result.exit_code == 0, result.stderr
    assert "unknown country 'Atlantis'" in result.stderr
    assert "1) Africa, 2) Asia" in result.stderr
    assert members(registry_file)["app"] == {
        "abbreviation": "APP", "name": "Antarktische Partei", "name_en": "Antarctic Party",
        "country": "AQ", "region": "Asia", "status": "active", "founding": False,
    }


def test_prompt_left_without_an_answer_is_interrupted(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-D (here: the input ends) or Ctrl-C at a prompt is exit 130, as an interrupt
    anywhere else, not click's "Aborted!" and 1; nothing is written."""
    from icor_cli.commands import write

    monkeypatch.setattr(write, "_interactive", lambda: True)
    before = registry_file.read_bytes()
    result = invoke("add", "-c", "DE", input="APP\n")
    assert result.exit_code == 130
    assert "Aborted" not in result.stdout + result.stderr
    assert registry_file.read_bytes() == before


def test_prompt_offers_the_country_members_region(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from icor_cli.commands import write

    monkeypatch.setattr(write, "_interactive", lambda: True)
    # English name skipped, country, the region offered (Enter takes it), founding,
    # joined, notes skipped, confirmed
    result = invoke("add", "-a", "NKP", "-n", "Neue KP", input="\nGermany\n\n\n\n\n\n")
    assert result.exit_code == 0, result.stderr
    assert members(registry_file)["nkp"]["region"] == "Europe"


def test_dry_run_prints_a_diff_and_writes_nothing(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", "--dry-run",
                    "--update-stated")
    assert result.exit_code == 0, result.stderr
    assert registry_file.read_bytes() == before
    lines = result.stdout.splitlines()
    assert lines[0].startswith("--- ") and lines[1].startswith("+++ ")
    assert "+[members.nkp]" in lines
    assert "-active = 57" in lines and "+active = 58" in lines
    assert "dry run: nothing written" in result.stderr
    # applying the diff gives exactly what the real command writes
    real = invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", "--update-stated")
    assert real.exit_code == 0
    assert patch(before.decode(), result.stdout) == registry_file.read_text(encoding="utf-8")


def patch(text: str, diff: str) -> str:
    """Apply a unified diff (enough of `patch` for these tests)."""
    import re

    old = text.splitlines(keepends=True)
    out: list[str] = []
    position = 0
    lines = diff.splitlines(keepends=True)[2:]
    index = 0
    while index < len(lines):
        match = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", lines[index])
        assert match, lines[index]
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        out.extend(old[position:start])
        position = start
        index += 1
        while index < len(lines) and not lines[index].startswith("@@"):
            kind, body = lines[index][0], lines[index][1:]
            if kind in " -":
                assert old[position] == body
                position += 1
            if kind in " +":
                out.append(body)
            index += 1
    out.extend(old[position:])
    return "".join(out)


def test_bundled_registry_is_read_only(
    icor: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    before = FIXTURE.read_bytes()
    result = icor("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", cwd=tmp_path,
                  env={k: v for k, v in os.environ.items() if k != "ICOR_REGISTRY"})
    assert result.exit_code == 2
    assert "read-only" in result.stderr and "--registry PATH" in result.stderr
    assert "ICOR_REGISTRY" in result.stderr
    assert FIXTURE.read_bytes() == before


def test_a_non_canonical_file_is_not_rewritten(invoke: Run, registry_file: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text("# maintained by hand\n" + text, encoding="utf-8")
    before = registry_file.read_bytes()
    result = invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE")
    assert result.exit_code == 1
    assert "icor fmt" in result.stderr
    assert registry_file.read_bytes() == before


def test_an_invalid_file_is_not_rewritten(invoke: Run, registry_file: Path) -> None:
    registry_file.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        'country = "BG"', 'country = "XX"', 1), encoding="utf-8")
    before = registry_file.read_bytes()
    result = invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE")
    assert result.exit_code == 1
    assert registry_file.read_bytes() == before


def test_canonical_form_is_deterministic(registry_file: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    loaded = registry(registry_file)
    assert dump(loaded) == text  # load + dump of a canonical file is byte-identical
    shuffled = Registry.from_data({**loaded.to_data(), "members": dict(
        reversed(list(loaded.to_data()["members"].items())))})
    assert dump(shuffled) == text  # the same data gives the same bytes


def test_add_through_the_installed_command(icor: Run, registry_file: Path) -> None:
    result = icor("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", "--update-stated")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "nkp\n"
    assert icor("validate").exit_code == 0
    shutil.copyfile(registry_file, registry_file.with_name("copy.toml"))


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_prompts_on_a_real_terminal(registry_file: Path) -> None:
    """The installed command, its stdin and stdout a pseudo-terminal, asks for what is
    missing (and nothing is asked when a pipe is attached: see the test above)."""
    import select
    import subprocess
    import time

    from conftest import _icor_command

    leader, follower = os.openpty()
    env = {**os.environ, "ICOR_REGISTRY": str(registry_file), "NO_COLOR": "1"}
    process = subprocess.Popen([*_icor_command(), "add", "-c", "Germany"], stdin=follower,
                               stdout=follower, stderr=follower, env=env, close_fds=True)
    os.close(follower)
    output = b""

    def read_until(text: bytes) -> None:
        nonlocal output
        deadline = time.monotonic() + 30
        while text not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    output += os.read(leader, 4096)
                except OSError:
                    break
        assert text in output, output

    read_until(b"Abbreviation")
    os.write(leader, b"TTYP\n")
    read_until(b"Name")
    os.write(leader, b"Terminal Partei\n")
    for question in (b"English name", b"Region", b"founding", b"Joined", b"Notes",
                     b"Add this member?"):
        read_until(question)
        os.write(leader, b"\n")  # skipped, the offered region, not founding, confirmed
    read_until(b"ttyp\r\n")
    assert process.wait(timeout=30) == 0
    os.close(leader)
    assert members(registry_file)["ttyp"]["name"] == "Terminal Partei"
    assert members(registry_file)["ttyp"]["region"] == "Europe"
