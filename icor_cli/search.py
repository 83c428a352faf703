"""Search: every member ranked by how its fields match a query (exact, prefix, word,
substring, then fuzzy), after folding case, accents and scripts to ASCII."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from icor_cli.models import Member

SEARCH_FIELDS = ("abbreviation", "id", "name", "name_en", "country", "country_name")
MATCH_KINDS = ("exact", "prefix", "word", "substring", "fuzzy")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the member, how well it matched and in which field(s)."""

    member_id: str
    member: Member
    tier: int  # index into MATCH_KINDS: lower is better
    exactness: int  # within a tier: 0 raw equality, 1 case-insensitive, 2 folded
    matched: str  # a field of SEARCH_FIELDS, or several joined by "+"

    @property
    def match(self) -> str:
        return MATCH_KINDS[self.tier]

    def sort_key(self) -> tuple[int, int, int, str]:
        first = self.matched.split("+", 1)[0]
        return (self.tier, self.exactness, SEARCH_FIELDS.index(first), self.member_id)


def _edits1(word: str) -> frozenset[str]:
    """Every string one edit (delete, insert, substitute, swap neighbours) from ``word``,
    over folded text's alphabet. About 70 per letter: constant work per query, so fuzzy
    matching costs one set lookup per member word, whatever the registry's size."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    substitutes = [a + c + b[1:] for a, b in splits if b for c in _ALNUM]
    inserts = [a + c + b for a, b in splits for c in _ALNUM]
    return frozenset((*deletes, *swaps, *substitutes, *inserts))


class _Query:
    """The query folded once: words, key (letters and digits only) and typo neighbours."""

    def __init__(self, text: str) -> None:
        from icor_cli.fold import fold_words

        self.raw = text.strip()
        self.casefolded = self.raw.casefold()
        self.words_text = fold_words(text)
        self.words = self.words_text.split()
        self.key = self.words_text.replace(" ", "")
        self.padded = f" {self.words_text} "
        self.near = [
            _edits1(word) if len(word) >= FUZZY_MIN_LENGTH else frozenset()
            for word in self.words
        ]


_SEPARATOR = "\x00"  # between a member's fields while folding them in one pass
_NOT_ALNUM_OR_SEPARATOR = re.compile(r"[^a-z0-9\x00]+")


def _country_texts(code: str, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The folded code and English names of a country (computed once per country)."""
    texts = cache.get(code)
    if texts is None:
        from icor_cli.countries import all_country_names, country_name
        from icor_cli.fold import fold_words

        names = [country_name(code), *all_country_names(code)]
        texts = (code.lower(), *dict.fromkeys(fold_words(name) for name in names if name))
        cache[code] = texts
    return texts


_WORD_CACHE: dict[str, str] = {}
_WORD_CACHE_SIZE = 200_000


def _transliterate_words(text: str) -> str:
    """``fold.transliterate`` word by word, remembering each non-ASCII word: names share
    most of their words, so a large registry transliterates each distinct word once."""
    if text.isascii():
        return text
    from icor_cli.fold import transliterate

    cache = _WORD_CACHE
    out: list[str] = []
    for word in text.split(" "):
        if word.isascii():
            out.append(word)
            continue
        ascii_word = cache.get(word)
        if ascii_word is None:
            if len(cache) >= _WORD_CACHE_SIZE:
                cache.clear()
            ascii_word = cache[word] = transliterate(word)
        out.append(ascii_word)
    return " ".join(out)


def _fold_own_fields(member_id: str, member: Member) -> list[str]:
    """Abbreviation, id, name and English name folded as ``fold_words`` does, with one
    regular-expression pass for the whole member."""
    parts = (member.abbreviation, member_id, member.name, member.name_en or "")
    joined = _SEPARATOR.join(_transliterate_words(part.replace(_SEPARATOR, " "))
                             for part in parts)
    folded = _NOT_ALNUM_OR_SEPARATOR.sub(" ", joined.lower())
    return [text.strip() for text in folded.split(_SEPARATOR)]


def _match_member(
    query: _Query, member_id: str, member: Member, country_cache: dict[str, tuple[str, ...]]
) -> Hit | None:
    own = _fold_own_fields(member_id, member)
    country = _country_texts(member.country, country_cache)
    # Cheap rejection first: one haystack per member, so a member that cannot match costs
    # a few substring tests (the common case in a large registry).
    haystack = "\n".join((*own, *country))
    qk = query.key
    whole = qk in haystack.replace(" ", "")
    if not whole:
        words = None
        for word, near in zip(query.words, query.near, strict=True):
            if word in haystack:
                continue
            if not near:
                return None
            if words is None:
                words = frozenset(haystack.split())
            if near.isdisjoint(words):
                return None
    fields: list[tuple[str, str]] = [("abbreviation", own[0]), ("id", own[1]), ("name", own[2])]
    if member.name_en:
        fields.append(("name_en", own[3]))
    fields.append(("country", country[0]))
    fields.extend(("country_name", text) for text in country[1:])

    best: tuple[int, int, int] | None = None  # tier, exactness, field index
    best_field = ""
    qw = query.words_text
    for name, text in fields if whole else ():
        key = text.replace(" ", "")
        index = SEARCH_FIELDS.index(name)
        if index < 2 and key == qk:
            original = member.abbreviation if name == "abbreviation" else member_id
            exactness = 0 if original == query.raw else (
                1 if original.casefold() == query.casefolded else 2)
            candidate = (0, exactness, index)
        elif text.startswith(qw) or key.startswith(qk):
            candidate = (1, 2, index)
        elif qw in text:
            candidate = (2 if query.padded in f" {text} " else 3, 2, index)
        elif qk in key:
            candidate = (3, 2, index)
        else:
            continue
        if best is None or candidate < best:
            # The member's best exactness, but the first field in SEARCH_FIELDS order
            # among equally good tiers: "bkp" is reported as matching the abbreviation
            # БКП even though it equals the id more exactly.
            if best is not None and best[0] == candidate[0]:
                best, best_field = (candidate[0], candidate[1], best[2]), best_field
            else:
                best, best_field = candidate, name
    if best is not None:
        return Hit(member_id, member, best[0], best[1], best_field)
    if len(query.words) > 1:
        spread = _every_word(query, fields, fuzzy=False)
        if spread:
            return Hit(member_id, member, 3, 2, spread)
    if any(query.near):
        spread = _every_word(query, fields, fuzzy=True)
        if spread:
            return Hit(member_id, member, 4, 2, spread)
    return None


def _every_word(query: _Query, fields: list[tuple[str, str]], fuzzy: bool) -> str:
    """The fields (joined by "+") in which every query word is found, or "" if one is
    missing. Not fuzzy: each word is a substring of some field (a one-letter word, the
    start of a word). Fuzzy: also one edit away from a whole word of some field."""
    matched: list[str] = []
    for word, near in zip(query.words, query.near, strict=True):
        # A one-letter word ("m" of "m.l.p.d") would be inside almost any name: it must
        # start a word.
        needle = f" {word}" if len(word) == 1 else word
        for name, text in fields:
            haystack = f" {text}" if len(word) == 1 else text
            if needle in haystack or (fuzzy and near and not near.isdisjoint(text.split())):
                if name not in matched:
                    matched.append(name)
                break
        else:
            return ""
    return "+".join(matched)


def search_members(query: str, members: Iterable[tuple[str, Member]]) -> list[Hit]:
    """Members matching ``query``, best first: exact abbreviation or id, then prefixes,
    whole words, substrings (also every query word somewhere), then one-typo matches.

    Case, accents, script (by transliteration), spacing and punctuation are ignored.
    Each member's fields are folded once, in one pass; a member that cannot match is
    rejected with a few substring tests. The cost is linear in the number of members."""
    folded = _Query(query)
    if not folded.key:
        return []
    country_cache: dict[str, tuple[str, ...]] = {}
    hits = [
        hit
        for member_id, member in members
        if (hit := _match_member(folded, member_id, member, country_cache)) is not None
    ]
    hits.sort(key=Hit.sort_key)
    return hits
