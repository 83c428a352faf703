"""``icor audit``: compare a published member page with the registry.

Pure functions: ``audit_text`` takes the page's text (``html_to_lines`` turns HTML into
the same lines) and returns findings; reading files and URLs is in ``publish.source``.

How a page is read:

- **Figures.** The counts sentence (the line saying "consists of") gives active,
  inactive, total and countries; a line that is a region's name and a number gives the
  region's active members. Each is compared with the registry's actual figure.
- **Members.** The list runs from after the figures to the legend (``* = ...``). A line
  belongs to the member whose abbreviation starts it (spacing ignored: runs of
  no-break spaces, or one plain space where the page's separator is missing); where
  none does, to the member whose name it contains (the abbreviation then differs). The
  rest of the line is ``Name (English name)``, a country where the name does not say
  it, and the marks ``*`` (founding) and ``**`` (inactive). Line order is ignored.
- **Corrections.** A name that differs from the registry's only by what a copy-paste
  corruption changes (look-alike letters, odd spaces: both fold to the same words) and
  whose member's ``notes`` record the correction of that field is reported as a
  ``note`` quoting the notes, not as an error. A parenthesised transliteration after the
  name that ``notes`` quote is accepted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser

from icor_cli.errors import Finding
from icor_cli.models import Member, Registry
from icor_cli.publish import page

_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"(?:\s+\*+)+\s*$")
_LEGEND = re.compile(r"^\s*\*+\s*=")
# A region and its active members; further figures (a table's inactive, total) may follow.
_REGION_LINE = re.compile(r"^\s*(\S.*?)\s+(\d+)(?:\s+\d+)*\s*$")
_SENTENCE = re.compile(r"\bconsists?\s+of\b", re.IGNORECASE)
_FIGURES = {
    "active": re.compile(r"(\d+)\s+active\b", re.IGNORECASE),
    "inactive": re.compile(r"(\d+)\s+inactive\b", re.IGNORECASE),
    "total": re.compile(r"(\d+)\s+members?\s+in\s+total\b", re.IGNORECASE),
    "countries": re.compile(r"\bin\s+(\d+)\s+countr(?:y|ies)\b", re.IGNORECASE),
}
_FIGURE_WORDS = {
    "active": "active members",
    "inactive": "inactive members",
    "total": "members in total",
    "countries": "countries",
}
_FIELD_LABELS = {
    "abbreviation": "abbreviation",
    "name": "name",
    "name_en": "English name",
}


QUOTE_LIMIT = 200  # characters of a page's text quoted in a message


def shown(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Quoted, one line, at most ``limit`` characters (an ellipsis marks the cut), with
    every character that does not show as itself (line breaks, control and format
    characters, spaces other than the plain one) escaped."""
    from icor_cli.escape import shorten

    out = []
    for char in shorten(text, limit):
        category = unicodedata.category(char)
        if char != " " and (category[0] == "C" or category in ("Zs", "Zl", "Zp")):
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
        elif char == "\\":
            out.append("\\\\")
        else:
            out.append(char)
    return "'" + "".join(out) + "'"


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass
class Line:
    number: int
    text: str
    # In HTML, the part of the page an element marked ``data-icor`` says the line is in:
    # "figures" (region figures), "members" (the member list) or "skip".
    zone: str | None = None


@dataclass
class _Matched:
    member_id: str
    line: Line
    abbreviation: str
    abbreviation_column: int
    rest: str
    rest_column: int


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    on_page: int = 0

    @property
    def differences(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def notes(self) -> int:
        return sum(1 for f in self.findings if f.severity == "note")


# --- HTML ------------------------------------------------------------------------------

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead",
    "tfoot", "tr", "ul",
})
_CELLS = frozenset({"td", "th"})
_CELL = "\u2063"  # stands for the border between two cells until whitespace is collapsed
_SKIPPED = frozenset({"script", "style", "head", "template", "svg", "noscript", "title"})


class _TextExtractor(HTMLParser):
    """The page's visible text, one line per block, with the source line it starts on.
    ASCII whitespace collapses as browsers collapse it; no-break spaces stay."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self._parts: list[str] = []
        self._start = 1
        self._skip = 0
        self._zones: list[tuple[str, str]] = []  # (tag, zone) of open data-icor elements
        self._zone: str | None = None

    def _flush(self) -> None:
        text = re.sub(r"[ \t\n\r\f]+", " ", "".join(self._parts))
        text = re.sub(f" ?{_CELL} ?", "  ", text.strip(" " + _CELL)).strip(" ")
        if text:
            self.lines.append(Line(self._start, text, self._zone))
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        zone = dict(attrs).get("data-icor")
        if zone:
            self._flush()
            self._zones.append((tag, zone))
        if tag in _SKIPPED:
            self._skip += 1
        elif tag in _BLOCKS:
            self._flush()
        elif tag in _CELLS and self._parts:
            self._parts.append(_CELL)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCKS:
            self._flush()
        if self._zones and self._zones[-1][0] == tag:
            self._flush()
            self._zones.pop()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if not self._parts or not "".join(self._parts).strip():
            self._start = self.getpos()[0]
            self._zone = self._zones[-1][1] if self._zones else None
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def looks_like_html(text: str) -> bool:
    head = text[:4096]
    return re.search(r"<(?:!doctype\s+html|html|body|p|div|table)\b", head, re.I) is not None


def html_to_lines(text: str) -> list[Line]:
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return parser.lines


def text_to_lines(text: str) -> list[Line]:
    return [Line(number, line) for number, line in enumerate(text.splitlines(), 1)]


# --- matching --------------------------------------------------------------------------

class _Auditor:
    def __init__(self, registry: Registry, display: str, columns: bool = True) -> None:
        self.registry = registry
        self.display = display
        self.columns = columns  # False for HTML: its text is not where the source has it
        self.findings: list[Finding] = []
        self.by_abbreviation: dict[str, list[str]] = {}
        for member_id, member in registry.members.items():
            self.by_abbreviation.setdefault(_squash(member.abbreviation), []).append(member_id)
        self.longest = max((len(k) for k in self.by_abbreviation), default=0)
        self._name_index: dict[str, list[str]] | None = None
        self._name_words = 0

    def add(self, check: str, message: str, line: Line | None = None, column: int | None = None,
            member: str | None = None, severity: str = "error") -> None:
        self.findings.append(Finding(check, severity, self.display, message,
                                     line.number if line else None,
                                     column if line and self.columns else None, member))

    # figures -----------------------------------------------------------------------

    def figures(self, lines: list[Line]) -> int:
        """Check the counts sentence and the region figures; the index after them."""
        counts = self.registry.counts()
        actual = {"active": counts.active, "inactive": counts.inactive,
                  "total": counts.total, "countries": counts.countries}
        sentence = next((i for i, line in enumerate(lines) if _SENTENCE.search(line.text)
                         and any(c.isdigit() for c in line.text)), None)
        end = 0
        if sentence is None:
            self.add("figure", "the page has no counts sentence (\"... consists of N active "
                     "and N inactive ...\"), so its figures cannot be checked")
        else:
            end = sentence + 1
            line = lines[sentence]
            for key, pattern in _FIGURES.items():
                found = pattern.search(line.text)
                if found is None:
                    self.add("figure", f"the counts sentence states no figure for "
                             f"{_FIGURE_WORDS[key]}", line, 1)
                elif int(found.group(1)) != actual[key]:
                    self.add("figure", f"the page states {found.group(1)} "
                             f"{_FIGURE_WORDS[key]} but the registry has {actual[key]}",
                             line, found.start(1) + 1)
        regions = {_squash(r).casefold(): r for r in self.registry.regions}
        seen: set[str] = set()
        marked = any(line.zone == "figures" for line in lines)
        for index in range(0 if marked else end, len(lines)):
            line = lines[index]
            if marked and line.zone != "figures":
                continue
            found = _REGION_LINE.match(line.text)
            region = regions.get(_squash(found.group(1)).casefold()) if found else None
            if found is None or region is None:
                if seen and line.text.strip():
                    break
                continue
            end = index + 1
            seen.add(region)
            real = counts.active_by_region.get(region, 0)
            if int(found.group(2)) != real:
                self.add("figure", f"the page states {found.group(2)} active members in "
                         f"{region} but the registry has {real}", line, found.start(2) + 1)
        if sentence is not None:
            for region in self.registry.regions:
                if region not in seen and counts.active_by_region.get(region, 0):
                    self.add("figure", f"the page states no figure for active members in "
                             f"{region} (the registry has "
                             f"{counts.active_by_region[region]})", lines[sentence], 1)
        return end

    # member lines --------------------------------------------------------------------

    def _candidates(self, line: Line) -> list[tuple[str, int, str, int]]:
        """(member id, abbreviation end, rest, rest start) for each registry
        abbreviation that starts the line and is followed by whitespace or the end."""
        text = line.text
        lead = len(text) - len(text.lstrip())
        found = []
        for boundary in re.finditer(r"\s+|$", text[lead:]):
            end = lead + boundary.start()
            if end - lead > self.longest * 2 + 8:
                break
            key = _squash(text[lead:end])
            for member_id in self.by_abbreviation.get(key, ()):
                rest_start = lead + boundary.end()
                found.append((member_id, end, text[rest_start:], rest_start))
            if boundary.end() >= len(text):
                break
        return found

    def match_line(self, line: Line, taken: Container[str]) -> _Matched | None:
        candidates = self._candidates(line)
        if not candidates:
            return None

        lead = len(line.text) - len(line.text.lstrip())

        def score(item: tuple[str, int, str, int]) -> tuple[bool, bool, bool, int]:
            """Prefer the reading where the rest is exactly the member's text, the
            abbreviation is spelt exactly (spaces too), the member not yet seen, and
            then the longest abbreviation."""
            member = self.registry.members[item[0]]
            exact = _strip_marks(item[2])[0].strip() in _expected_texts(member)
            spelt = line.text[lead:item[1]] == member.abbreviation
            return (exact, spelt, item[0] not in taken, item[1])

        member_id, end, rest, rest_start = max(candidates, key=score)
        return _Matched(member_id, line, line.text[lead:end], lead + 1, rest, rest_start + 1)

    def _folded_names(self) -> dict[str, list[str]]:
        """Folded names and English names → member ids."""
        if self._name_index is None:
            self._name_index = {}
            for member_id, member in self.registry.members.items():
                for name in {member.name, member.name_en or ""}:
                    key = page._fold(name)
                    if key:
                        self._name_index.setdefault(key, []).append(member_id)
            self._name_words = max((k.count(" ") + 1 for k in self._name_index), default=0)
        return self._name_index

    def match_by_name(self, line: Line, taken: Container[str]) -> _Matched | None:
        """A line no abbreviation starts: the member not yet matched whose name it
        contains (the longest such name). Each run of words is looked up whole, so the
        cost grows with the line, not with the registry."""
        names = self._folded_names()
        words = page._fold(line.text).split()
        best: tuple[int, str] | None = None
        for start in range(len(words)):
            for stop in range(min(len(words), start + self._name_words), start, -1):
                key = " ".join(words[start:stop])
                if best is not None and len(key) <= best[0]:
                    break
                free = [m for m in names.get(key, ()) if m not in taken]
                if free:
                    best = (len(key), free[0])
                    break
        if best is None:
            return None
        member = self.registry.members[best[1]]
        text = line.text
        lead = len(text) - len(text.lstrip())
        split = re.search(r"\s{2,}|\u00a0", text[lead:])
        if split is None:
            at = text.find(member.name)
            split_start = at if at > lead else len(text)
            split_end = split_start
        else:
            split_start, split_end = lead + split.start(), lead + split.end()
            while split_end < len(text) and text[split_end].isspace():
                split_end += 1
        return _Matched(best[1], line, text[lead:split_start].strip(), lead + 1,
                        text[split_end:], split_end + 1)

    def compare(self, matched: _Matched) -> None:
        member_id = matched.member_id
        member = self.registry.members[member_id]
        line = matched.line
        if _squash(matched.abbreviation) != _squash(member.abbreviation):
            self._field_difference(member_id, member, "abbreviation", matched.abbreviation,
                                   member.abbreviation, line, matched.abbreviation_column)
        body, mark_tokens, mark_column = _strip_marks(matched.rest)
        founding = page.FOUNDING_MARK in mark_tokens
        inactive = page.INACTIVE_MARK in mark_tokens
        where = matched.rest_column + mark_column
        if founding != member.founding:
            said = "marks it as a founding member" if founding else "does not mark it as a " \
                "founding member"
            self.add("mark", f"{_who(member_id, member)}: the page {said} (*) but the registry "
                     f"has founding = {str(member.founding).lower()}", line, where, member_id)
        if inactive != (member.status == "inactive"):
            said = "marks it as inactive" if inactive else "does not mark it as inactive"
            self.add("mark", f"{_who(member_id, member)}: the page {said} (**) but the registry "
                     f"has status = {member.status!r}", line, where, member_id)
        unknown = [t for t in mark_tokens if t not in (page.FOUNDING_MARK, page.INACTIVE_MARK)]
        if unknown:
            self.add("mark", f"{_who(member_id, member)}: unknown mark {shown(unknown[0])} on "
                     "the page (* founding, ** inactive)", line, where, member_id)
        text = body.strip()
        column = matched.rest_column + (len(body) - len(body.lstrip()))
        if text in _expected_texts(member):
            return
        text = self._strip_country(text, member_id, member, line, column)
        if text in _expected_texts(member):
            return
        self._names(member_id, member, text, line, column)

    def _strip_country(self, text: str, member_id: str, member: Member, line: Line,
                       column: int) -> str:
        found = re.search(r"(?:,\s+|\s{2,})([^,()]+)$", text)
        if found is None:
            return text
        code = _country_named(found.group(1))
        if code is None:
            return text
        if code != member.country:
            self.add("field", f"{_who(member_id, member)}: the page gives the country as "
                     f"{shown(found.group(1))} but the registry has {member.country} "
                     f"({page.page_country_name(member.country)})", line,
                     column + found.start(1), member_id)
        return text[: found.start()]

    def _names(self, member_id: str, member: Member, text: str, line: Line,
               column: int) -> None:
        """The names differ from what the registry gives: say which, and how."""
        who = _who(member_id, member)
        split = _split_last_parenthesis(text)
        if not (member.name_en and member.name_en != member.name):
            if text == member.name or _transliteration_in_notes(text, member):
                return
            if split is not None and split[0].rstrip() == member.name:
                self.add("field", f"{who}: the page adds {shown(split[1])} after the name, "
                         "which the registry does not have", line, column + split[2],
                         member_id)
            else:
                self._field_difference(member_id, member, "name", text, member.name, line,
                                       column)
            return
        if split is None or text == member.name:
            if text != member.name:
                self._field_difference(member_id, member, "name", text, member.name, line,
                                       column)
            self.add("field", f"{who}: the page has no English name; the registry has "
                     f"{shown(member.name_en)}", line, column, member_id)
            return
        name_part, en_part, offset = split[0].rstrip(), split[1], split[2]
        if name_part != member.name and not _transliteration_in_notes(name_part, member):
            self._field_difference(member_id, member, "name", name_part, member.name, line,
                                   column)
        if en_part != member.name_en:
            self._field_difference(member_id, member, "name_en", en_part, member.name_en,
                                   line, column + offset)

    def _field_difference(self, member_id: str, member: Member, name: str, on_page: str,
                          in_registry: str, line: Line, column: int) -> None:
        label = _FIELD_LABELS[name]
        offset = next((i for i, (a, b) in enumerate(zip(on_page, in_registry, strict=False))
                       if a != b), min(len(on_page), len(in_registry)))
        where = column + offset
        if _looks_alike(on_page, in_registry) and _records_correction(member.notes, name):
            self.add("correction", f"{_who(member_id, member)}: the page's {label} "
                     f"{shown(on_page)} is a corruption the registry records as corrected "
                     f"to {shown(in_registry)}; notes: {shown(member.notes or '', 1000)}",
                     line, where, member_id, severity="note")
            return
        self.add("field", f"{_who(member_id, member)}: {label} on the page is "
                 f"{shown(on_page)}; the registry has {shown(in_registry)}", line, where,
                 member_id)

    # the whole page ------------------------------------------------------------------

    def run(self, lines: list[Line]) -> AuditResult:
        lines = [Line(line.number, unicodedata.normalize("NFC", line.text), line.zone)
                 for line in lines]
        start = self.figures(lines)
        if any(line.zone == "members" for line in lines):
            # An HTML page that marks its member list (``icor render html`` does).
            body = [line for line in lines if line.zone == "members" and line.text.strip()]
        else:
            end = next((i for i in range(start, len(lines)) if _LEGEND.match(lines[i].text)),
                       len(lines))
            body = [line for line in lines[start:end] if line.text.strip()]
        matched: dict[str, _Matched] = {}
        unmatched: list[Line] = []
        for line in body:
            found = self.match_line(line, matched)
            if found is None:
                unmatched.append(line)
            elif found.member_id in matched:
                member = self.registry.members[found.member_id]
                self.add("member", f"{_who(found.member_id, member)} is listed twice on the "
                         f"page (first on line {matched[found.member_id].line.number})", line,
                         1, found.member_id)
            else:
                matched[found.member_id] = found
        for line in unmatched:
            found = self.match_by_name(line, matched)
            if found is None:
                self.add("member", f"on the page but not in the registry: "
                         f"{shown(line.text.strip(), 120)}", line, 1)
            else:
                matched[found.member_id] = found
        for found in sorted(matched.values(), key=lambda m: m.line.number):
            self.compare(found)
        for member_id, member in self.registry.members.items():
            if member_id not in matched:
                self.add("member", f"{_who(member_id, member)} is in the registry but not on "
                         "the page", member=member_id)
        self.findings.sort(key=lambda f: (f.line is None, f.line or 0, f.column or 0))
        return AuditResult(self.findings, len(body))


@cache
def _country_index() -> dict[str, str]:
    """Folded country name → code: every English name and alias, and the names the page
    uses. Exact: no fuzzy matching, so a name part after a comma is never taken for
    a country it only resembles."""
    from icor_cli.countries import all_country_names
    from icor_cli.country_table import NAMES

    index: dict[str, str] = {}
    for code in NAMES:
        for name in (page.page_country_name(code), *all_country_names(code)):
            index.setdefault(page._fold(name), code)
    return index


def _country_named(text: str) -> str | None:
    return _country_index().get(page._fold(text))


def _who(member_id: str, member: Member) -> str:
    from icor_cli.escape import visible

    return visible(f"{member_id} ({member.abbreviation}, {member.country})")


def _strip_marks(rest: str) -> tuple[str, list[str], int]:
    """(text, mark tokens, column offset of the marks) of what follows the abbreviation."""
    found = _MARKS.search(rest)
    if found is None:
        return rest.rstrip(), [], len(rest.rstrip())
    return rest[: found.start()], re.findall(r"\*+", found.group()), found.start() + \
        (len(found.group()) - len(found.group().lstrip()))


def _expected_texts(member: Member) -> set[str]:
    """What may follow the abbreviation: the names, with or without the country."""
    names = page.names_text(member)
    return {names, page.member_text(member)}


def _split_last_parenthesis(text: str) -> tuple[str, str, int] | None:
    """``A (B (C))`` → (``A ``, ``B (C)``, offset of B); None when not ``... (...)``."""
    if not text.endswith(")"):
        return None
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                if index == 0:
                    return None
                return text[:index], text[index + 1:-1], index + 1
    return None


def _looks_alike(a: str, b: str) -> bool:
    """Equal after folding case, accents, script and spacing: what an encoding or
    copy-paste corruption changes (``Haϊtien``/``Haïtien``, a no-break space)."""
    return page._fold(a) == page._fold(b)


def _records_correction(notes: str | None, field_name: str) -> bool:
    """Whether ``notes`` say this field was corrected ("Name corrected: ...",
    "English name corrected: ...")."""
    if not notes:
        return False
    text = notes.casefold()
    label = {"name": r"(?<!english )\bname", "name_en": r"\benglish name",
             "abbreviation": r"\babbreviation"}[field_name]
    return re.search(label + r"\b[^.]*\bcorrect", text) is not None


def _transliteration_in_notes(name_part: str, member: Member) -> bool:
    """``Name (Transliteration)`` where the notes quote the transliteration."""
    split = _split_last_parenthesis(name_part)
    if split is None or not member.notes or split[0].rstrip() != member.name:
        return False
    return f'"{split[1]}"' in member.notes or f"“{split[1]}”" in member.notes


def audit_lines(registry: Registry, lines: list[Line], display: str,
                columns: bool = True) -> AuditResult:
    return _Auditor(registry, display, columns).run(lines)


def audit_text(registry: Registry, text: str, display: str, html: bool | None = None
               ) -> AuditResult:
    """Audit a page given as text or HTML (``html=None``: guess from the content)."""
    if html is None:
        html = looks_like_html(text)
    if html:
        return audit_lines(registry, html_to_lines(text), display, columns=False)
    return audit_lines(registry, text_to_lines(text), display)
