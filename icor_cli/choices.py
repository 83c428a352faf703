"""The choices of the interface, defined once: output and report formats, the statuses a
filter takes, the keys a list sorts by. Enums, so Typer shows and checks them; light, so
the command line can import them without loading the models. ``models`` derives its
tuples from these."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """``--format`` of list, show, search, stats and stated."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


class ReportFormat(StrEnum):
    """``--format`` of every command that reports findings (validate, audit)."""

    text = "text"
    json = "json"
    github = "github"


class StatusChoice(StrEnum):
    """``--status``: a member status (``models.STATUSES``), or every member."""

    active = "active"
    inactive = "inactive"
    all = "all"


class SortKey(StrEnum):
    """``--sort`` of list: member fields (``region`` keeps the file's region order)."""

    region = "region"
    id = "id"
    abbreviation = "abbreviation"
    name = "name"
    country = "country"
    status = "status"
    joined = "joined"
