"""Pure functions over a registry: member lookup (and, later, filters, search, stats)."""

from __future__ import annotations

from icor_cli.errors import UsageError
from icor_cli.models import Member, Registry


def _describe(member_id: str, member: Member) -> str:
    return f"{member_id} ({member.abbreviation}, {member.country})"


def find_member(registry: Registry, reference: str) -> tuple[str, Member]:
    """Resolve a MEMBER argument: the id; else the abbreviation exactly; else the
    abbreviation (or id) ignoring case, spacing, punctuation and script (``bkp`` finds
    ``БКП``). Ambiguous or unknown references are usage errors (exit 2)."""
    members = registry.members
    if reference in members:
        return reference, members[reference]
    exact = [(i, m) for i, m in members.items() if m.abbreviation == reference]
    if len(exact) == 1:
        return exact[0]
    from icor_cli.fold import fold_key

    key = fold_key(reference)
    matches = exact or [
        (i, m) for i, m in members.items()
        if key and (fold_key(m.abbreviation) == key or fold_key(i) == key)
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(_describe(i, m) for i, m in matches)
        raise UsageError(f"{reference!r} is ambiguous: it matches {listed}; use the id")
    raise UsageError(f"no member {reference!r}{_suggestions(registry, key)}")


def _suggestions(registry: Registry, key: str) -> str:
    import difflib

    from icor_cli.fold import fold_key

    by_key: dict[str, list[str]] = {}
    for member_id, member in registry.members.items():
        for candidate in (member_id, member.abbreviation):
            by_key.setdefault(fold_key(candidate), []).append(member_id)
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(i for k in close for i in by_key[k]))[:5]
    if not ids:
        return " (see `icor list` or `icor search`)"
    described = ", ".join(_describe(i, registry.members[i]) for i in ids)
    return f"; did you mean {described}?"
