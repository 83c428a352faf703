"""Search: every member ranked by how its fields match a query (exact, prefix, word,
substring, fuzzy, then stem), after folding case, accents, scripts and transliteration
variants; when no member matches every word, the members matching most of them; when
none matches at all, the closest candidates.

Everything here is linear in the number of members and in the length of the query: a
query is cut to ``MAX_WORDS`` distinct words, and typo neighbours are only built for
words of at most ``FUZZY_MAX_LENGTH`` letters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from icor_cli.models import Member

SEARCH_FIELDS = ("abbreviation", "id", "name", "name_en", "country", "country_name")
MATCH_KINDS = ("exact", "prefix", "word", "substring", "fuzzy", "stem", "partial")
_STEM = MATCH_KINDS.index("stem")
_PARTIAL = MATCH_KINDS.index("partial")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
FUZZY_MIN_LENGTH = 4
FUZZY_MAX_LENGTH = 40
#: A query word and a member word share at least this many first letters to match as a
#: stem ("komunisticheskaya" and "komunisticheska"), and at least STEM_SHARE of the
#: shorter word.
STEM_MIN_LENGTH = 5
STEM_SHARE = 0.75
#: Distinct query words looked at; the rest of a longer query is ignored.
MAX_WORDS = 32
#: Members shown when no member matches every word of the query.
PARTIAL_LIMIT = 10


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the member, how well it matched and in which field(s)."""

    member_id: str
    member: Member
    tier: int  # index into MATCH_KINDS: lower is better
    exactness: int  # within a tier: lower is better (0 raw equality, 1 case-insensitive...)
    matched: str  # a field of SEARCH_FIELDS, or several joined by "+"

    @property
    def match(self) -> str:
        return MATCH_KINDS[self.tier]

    def sort_key(self) -> tuple[int, int, int, str]:
        first = self.matched.split("+", 1)[0]
        return (self.tier, self.exactness, SEARCH_FIELDS.index(first), self.member_id)


@dataclass(slots=True)
class SearchResult:
    """What a search found. ``complete`` is false when no member matched every word and
    ``hits`` are the members matching most words; ``closest`` are suggestions when
    nothing matched at all."""

    hits: list[Hit]
    complete: bool = True
    closest: list[tuple[str, Member]] = field(default_factory=list)


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


def fold_query(text: str) -> str:
    """The query as search compares it: folded words, spelling variants made one."""
    from icor_cli.fold import fold_variants, fold_words

    return fold_variants(fold_words(text))


class _Query:
    """The query folded once: words, key (letters and digits only), typo neighbours and
    stems."""

    def __init__(self, text: str) -> None:
        self.raw = text.strip()
        self.casefolded = self.raw.casefold()
        self.words = list(dict.fromkeys(fold_query(text).split()))[:MAX_WORDS]
        self.words_text = " ".join(self.words)
        self.key = self.words_text.replace(" ", "")
        self.padded = f" {self.words_text} "
        self.near = [
            _edits1(word) if FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH
            else frozenset()
            for word in self.words
        ]
        self.stems = [word[:STEM_MIN_LENGTH] if len(word) >= STEM_MIN_LENGTH else ""
                      for word in self.words]


_SEPARATOR = "\x00"  # between a member's fields while folding them in one pass
_NOT_ALNUM_OR_SEPARATOR = re.compile(r"[^a-z0-9\x00]+")


def _country_texts(code: str, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The folded code and English names of a country (computed once per country)."""
    texts = cache.get(code)
    if texts is None:
        from icor_cli.countries import all_country_names, country_name

        names = [country_name(code), *all_country_names(code)]
        texts = (code.lower(), *dict.fromkeys(fold_query(name) for name in names if name))
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
    """Abbreviation, id, name and English name folded as ``fold_query`` does, with one
    regular-expression pass for the whole member."""
    from icor_cli.fold import fold_variants

    parts = (member.abbreviation, member_id, member.name, member.name_en or "")
    joined = _SEPARATOR.join(_transliterate_words(part.replace(_SEPARATOR, " "))
                             for part in parts)
    folded = fold_variants(_NOT_ALNUM_OR_SEPARATOR.sub(" ", joined.lower()))
    return [text.strip() for text in folded.split(_SEPARATOR)]


@dataclass(slots=True)
class _Member:
    """A member's folded fields, computed once per search; the field list and the set of
    words only for a member that gets past the cheap tests."""

    own: list[str]
    country: tuple[str, ...]
    haystack: str
    has_name_en: bool
    _fields: list[tuple[str, str]] | None = None
    _words: frozenset[str] | None = None

    @property
    def fields(self) -> list[tuple[str, str]]:
        if self._fields is None:
            own, country = self.own, self.country
            fields = [("abbreviation", own[0]), ("id", own[1]), ("name", own[2])]
            if self.has_name_en:
                fields.append(("name_en", own[3]))
            fields.append(("country", country[0]))
            fields.extend(("country_name", text) for text in country[1:])
            self._fields = fields
        return self._fields

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            self._words = frozenset(self.haystack.split())
        return self._words


def _prepare(member_id: str, member: Member, cache: dict[str, tuple[str, ...]]) -> _Member:
    own = _fold_own_fields(member_id, member)
    country = _country_texts(member.country, cache)
    # One haystack per member, so a member that cannot match costs a few substring tests
    # (the common case in a large registry).
    return _Member(own, country, "\n".join((*own, *country)), bool(member.name_en))


def _shared_prefix(a: str, b: str) -> int:
    limit = min(len(a), len(b))
    index = 0
    while index < limit and a[index] == b[index]:
        index += 1
    return index


def _stem_letters(word: str, stem: str, text: str) -> int:
    """The most first letters ``word`` shares with a word of ``text``, if that is a stem
    match (at least STEM_MIN_LENGTH letters and STEM_SHARE of the shorter word); else 0."""
    if not stem or stem not in text:
        return 0
    best = 0
    for other in text.split():
        if other.startswith(stem):
            shared = _shared_prefix(word, other)
            if shared >= STEM_SHARE * min(len(word), len(other)):
                best = max(best, shared)
    return best


def _word_in(query: _Query, index: int, prepared: _Member, fuzzy: bool, stem: bool
             ) -> tuple[str, int] | None:
    """The first field in which query word ``index`` is found (a substring; a one-letter
    word must start a word), else, with ``fuzzy``, one typo from a whole word, else, with
    ``stem``, sharing a stem with a word; and the stem letters shared (0 otherwise)."""
    word, near, stem_text = query.words[index], query.near[index], query.stems[index]
    needle = f" {word}" if len(word) == 1 else word
    for name, text in prepared.fields:
        haystack = f" {text}" if len(word) == 1 else text
        if needle in haystack:
            return name, 0
    if fuzzy and near:
        for name, text in prepared.fields:
            if not near.isdisjoint(text.split()):
                return name, 0
    if stem and stem_text:
        best: tuple[str, int] | None = None
        for name, text in prepared.fields:
            shared = _stem_letters(word, stem_text, text)
            if shared and (best is None or shared > best[1]):
                best = (name, shared)
        return best
    return None


def _could_match(query: _Query, prepared: _Member) -> bool:
    """Whether every query word may be found: a substring, a typo neighbour, or a stem
    in the haystack (cheap tests that reject most members)."""
    haystack = prepared.haystack
    for word, near, stem in zip(query.words, query.near, query.stems, strict=True):
        if word in haystack:
            continue
        if near and not near.isdisjoint(prepared.words):
            continue
        if stem and stem in haystack:
            continue
        return False
    return True


def _match_member(query: _Query, member_id: str, member: Member, prepared: _Member
                  ) -> Hit | None:
    qk = query.key
    whole = qk in prepared.haystack.replace(" ", "")
    if not whole and not _could_match(query, prepared):
        return None
    best: tuple[int, int, int] | None = None  # tier, exactness, field index
    best_field = ""
    qw = query.words_text
    for name, text in prepared.fields if whole else ():
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
    for tier, fuzzy, stem in ((3, False, False), (4, True, False), (_STEM, True, True)):
        if tier == 3 and len(query.words) < 2:
            continue
        if tier == 4 and not any(query.near):
            continue
        if tier == _STEM and not any(query.stems):
            continue
        found = [_word_in(query, i, prepared, fuzzy, stem) for i in range(len(query.words))]
        if all(found):
            matched = list(dict.fromkeys(f[0] for f in found if f))
            # Stems: the more letters shared with the query, the better.
            shared = sum(f[1] for f in found if f)
            exactness = 2 if tier < _STEM else len(query.key) - shared
            return Hit(member_id, member, tier, exactness, "+".join(matched))
    return None


def _partial(query: _Query, member_id: str, member: Member, prepared: _Member) -> Hit | None:
    """A member matching some (not all) query words: ranked by how many it misses."""
    # One-letter words would make nearly every member a partial match.
    found = [_word_in(query, i, prepared, fuzzy=True, stem=True)
             for i, word in enumerate(query.words) if len(word) > 1]
    hit = [f for f in found if f]
    if not hit:
        return None
    matched = "+".join(dict.fromkeys(f[0] for f in hit))
    return Hit(member_id, member, _PARTIAL, len(found) - len(hit), matched)


def search_members(query: str, members: Iterable[tuple[str, Member]]) -> list[Hit]:
    """Members matching every word of ``query``, best first: exact abbreviation or id,
    then prefixes, whole words, substrings (also every query word somewhere), one-typo
    matches, then shared stems (``kommunisticheskaja`` finds ``Комунистическа``).

    Case, accents, script (by transliteration), transliteration variants, spacing and
    punctuation are ignored. Each member's fields are folded once, in one pass; a
    member that cannot match is rejected with a few substring tests. The cost is linear
    in the number of members."""
    return find(query, members, partial=False).hits


def find(query: str, members: Iterable[tuple[str, Member]], *, partial: bool = True,
         closest: int = 5) -> SearchResult:
    """``search_members``; and when no member matches every word of a query of several
    words, the members matching most of them (at most PARTIAL_LIMIT, ``complete``
    false); and when nothing matches, up to ``closest`` close candidates."""
    folded = _Query(query)
    if not folded.key:
        return SearchResult([])
    members = list(members)
    cache: dict[str, tuple[str, ...]] = {}
    # Nothing is kept per member while looking for full matches (memory stays flat at
    # 100,000 members); the rare fallbacks fold the members a second time.
    hits = [hit for member_id, member in members
            if (hit := _match_member(folded, member_id, member,
                                     _prepare(member_id, member, cache))) is not None]
    hits.sort(key=Hit.sort_key)
    if hits or not partial:
        return SearchResult(hits)
    # One more pass: members matching some words, and every member's words for the
    # closest candidates (each word with at most a few owners, so memory stays small).
    some: list[Hit] = []
    owners: dict[str, list[int]] = {}
    several = len(folded.words) > 1
    for position, (member_id, member) in enumerate(members):
        ready = _prepare(member_id, member, cache)
        if several and (hit := _partial(folded, member_id, member, ready)) is not None:
            some.append(hit)
        for text in (*ready.own, ready.country[0]):
            for word in {text.replace(" ", ""), *text.split()}:
                if len(word) >= 2:
                    listed = owners.setdefault(word, [])
                    if len(listed) < _OWNERS:
                        listed.append(position)
    if some:
        some.sort(key=Hit.sort_key)
        return SearchResult(some[:PARTIAL_LIMIT], complete=False)
    return SearchResult([], closest=_closest(folded, members, owners, closest))


_OWNERS = 5


def _bigrams(word: str) -> frozenset[str]:
    """The pairs of neighbouring letters of ``word``."""
    return frozenset(map(str.__add__, word, word[1:]))


def _closest(query: _Query, members: Sequence[tuple[str, Member]],
             owners: dict[str, list[int]], n: int) -> list[tuple[str, Member]]:
    """Members with a word (or abbreviation) most like a query word. Candidates are
    picked by shared letter pairs (a set intersection per distinct word), then the best
    few are ranked by difflib's ratio; at most eight query words, each cut to
    FUZZY_MAX_LENGTH letters, so the cost stays linear in the registry."""
    import difflib
    import heapq

    if n <= 0 or not owners:
        return []
    words = sorted((w[:FUZZY_MAX_LENGTH] for w in query.words if len(w) >= 2),
                   key=len, reverse=True)[:8]
    scores: dict[int, float] = {}
    candidates = [(candidate, _bigrams(candidate)) for candidate in owners]
    for word in words:
        pairs = _bigrams(word)
        size = len(pairs)
        if not size:
            continue
        shortlist = heapq.nlargest(
            4 * n,
            ((shared / (size + len(other) - shared), candidate)
             for candidate, other in candidates if (shared := len(pairs & other))))
        for _, candidate in shortlist:
            ratio = difflib.SequenceMatcher(a=candidate, b=word, autojunk=False).ratio()
            if ratio >= 0.6:
                for position in owners[candidate]:
                    scores[position] = max(scores.get(position, 0.0), ratio)
    ranked = sorted(scores, key=lambda position: (-scores[position], members[position][0]))
    return [members[p] for p in ranked[:n]]
