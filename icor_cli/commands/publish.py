"""``icor render page|markdown|html`` and ``icor audit``: the published member page.

``render`` builds the page from the registry (``publish.page``, ``publish.html``);
``audit`` reads a published page and compares it with the registry (``publish.audit``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.choices import ReportFormat
from icor_cli.commands import source
from icor_cli.commands.check import ReportFormatOption, default_format
from icor_cli.errors import IcorError

if TYPE_CHECKING:
    from icor_cli.models import Registry


class StatedMismatch(IcorError):
    """The stated figures differ from the actual ones (exit 1, like a failed check)."""

    exit_code = 1


OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", metavar="FILE", dir_okay=False,
                 help="Write to FILE (atomically: all or nothing) instead of stdout (-: stdout)."),
]
AllowOption = Annotated[
    bool,
    typer.Option("--allow-stated-mismatch",
                 help="Render even when [stated] differs from the actual figures "
                      "(the page always shows the actual ones)."),
]


def _registry(ctx: typer.Context) -> Registry:
    from icor_cli.store import load

    return load(source(ctx)).registry


def _check_stated(registry: Registry, allow: bool) -> None:
    """The page shows the actual figures; where [stated] says otherwise, say so."""
    from icor_cli.publish.page import stated_mismatches

    found = stated_mismatches(registry)
    if not found:
        return
    listed = "; ".join(m.describe() for m in found)
    if not allow:
        raise StatedMismatch(
            f"the stated figures differ from the registry: {listed}. The page would show the "
            "actual figures; update [stated] once the page is published, or pass "
            "--allow-stated-mismatch; nothing written"
        )
    from icor_cli.escape import visible

    sys.stderr.write(f"icor: warning: the page shows the actual figures, not the stated "
                     f"ones: {visible(listed)}\n")
    sys.stderr.flush()


def _emit(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from icor_cli.publish.source import write_output

    write_output(output, text)


def render_page(ctx: typer.Context, output: OutputOption = None,
                allow_stated_mismatch: AllowOption = False) -> None:
    """The member section of the About page, as plain text.

    \b
    The counts sentence and the active members per region (the actual
    figures), then one line per member, grouped by region in the
    registry's order: ABBREVIATION  Name (English name), the country where
    the name does not say it, * founding, ** inactive; then the legend.
    Exit 1 if [stated] differs from the actual figures, unless
    --allow-stated-mismatch.

    \b
    Examples:
      icor render page
      icor render page | icor audit -
      icor render page -o about-members.txt
    """
    from icor_cli.publish.page import page_text

    registry = _registry(ctx)
    _check_stated(registry, allow_stated_mismatch)
    _emit(page_text(registry), output)


def render_markdown(ctx: typer.Context, output: OutputOption = None,
                    allow_stated_mismatch: AllowOption = False) -> None:
    """The member page as Markdown (for a README or a wiki).

    \b
    Examples:
      icor render markdown > MEMBERS.md
    """
    from icor_cli.publish.page import page_markdown

    registry = _registry(ctx)
    _check_stated(registry, allow_stated_mismatch)
    _emit(page_markdown(registry), output)


def render_html(ctx: typer.Context, output: OutputOption = None,
                allow_stated_mismatch: AllowOption = False) -> None:
    """The member page as one self-contained HTML file.

    \b
    Counts, a bar chart per region, a world map shaded by members per
    country, and the member directory with a filter box. Nothing is loaded
    from the network when it is viewed.

    \b
    Examples:
      icor render html -o members.html
    """
    from icor_cli.publish.html import page_html

    registry = _registry(ctx)
    _check_stated(registry, allow_stated_mismatch)
    _emit(page_html(registry), output)


def audit(
    ctx: typer.Context,
    page: Annotated[
        str,
        typer.Argument(metavar="PAGE",
                       help="The published page: a file (text or HTML), - for standard "
                            "input, or an http(s) URL."),
    ],
    fmt: ReportFormatOption = None,
) -> None:
    """Compare a published member page with the registry.

    \b
    Reports members on the page but not in the registry and the reverse,
    differing abbreviations, names, English names, countries, founding (*)
    and inactive (**) marks, and every figure of the page's counts sentence
    and region lines that differs from the registry. Text the registry
    records as a corrected corruption (in the member's notes) is a note, not
    an error. Spacing and line order do not matter. Exit 1 on any
    difference; 3 when the page cannot be read.

    \b
    Examples:
      icor audit about-page.txt
      icor render page | icor audit -
      icor audit https://example.org/about --format json
    """
    from icor_cli.publish.audit import audit_text
    from icor_cli.publish.source import read_page
    from icor_cli.render import audit as render

    options = ctx.find_root().obj
    if page == "-" and getattr(options, "registry", None) == "-":
        from icor_cli.errors import UsageError

        raise UsageError("the registry and the page cannot both come from standard input "
                         "(-r - and PAGE -); give one of them as a file")
    registry = _registry(ctx)
    read = read_page(page)
    result = audit_text(registry, read.text, read.display, read.html)
    chosen = fmt or default_format()
    members = len(registry.members)
    if chosen is ReportFormat.json:
        render.render_json(result)
    elif chosen is ReportFormat.github:
        render.render_github(result, read.display, members)
    else:
        render.render_text(result, read.display, members)
    if result.differences:
        raise typer.Exit(1)


def _render_without_command(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        sys.stderr.write(ctx.get_help() + "\n")
        raise typer.Exit(2)


RENDER_HELP = """Build the organisation's public member page from the registry.

\b
page: the text as published; markdown: the same for a README or a wiki;
html: one self-contained page with a chart, a world map and a filterable
directory. Figures are the actual ones; exit 1 where [stated] differs,
unless --allow-stated-mismatch.

\b
Examples:
  icor render page
  icor render markdown > MEMBERS.md
  icor render html -o members.html
"""


def register(app: typer.Typer) -> None:
    # Not no_args_is_help: inside a subgroup click raises it where the error boundary
    # takes it for a bug. Bare `icor render` prints the help on stderr and exits 2, as
    # bare `icor` does.
    render = typer.Typer(name="render", invoke_without_command=True, rich_markup_mode=None,
                         help=RENDER_HELP)
    render.callback()(_render_without_command)
    render.command("page")(render_page)
    render.command("markdown")(render_markdown)
    render.command("html")(render_html)
    app.add_typer(render, name="render")
    app.command("audit")(audit)
