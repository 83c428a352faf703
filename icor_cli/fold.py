"""Folding text for comparison: case, accents, script, spacing and punctuation.

``БКП``, ``bkp`` and ``B.K.P.`` all fold to ``bkp``. Used for abbreviation uniqueness,
member references and search, so that all three agree on what "the same" means.

Search folds further (``fold_variants``): the ways one Cyrillic name is written in Latin
letters (``Rossijskaja``, ``Rossiyskaya``; ``Kommunistitscheskaja``,
``Kommunisticheskaya``) become one. That is for finding, never for identity: two
abbreviations that differ only by such a variant are still two abbreviations.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Turkish dotless i and dotted capital I: casefold() alone turns "İ" into "i̇" (two chars).
# Cyrillic hard and soft signs: anyascii writes them as apostrophes, which would split
# "Българска" into "b lgarska"; as in most romanisations, they are left out.
_BEFORE = str.maketrans({"ı": "i", "İ": "I", "ъ": "", "Ъ": "", "ь": "", "Ь": ""})


@lru_cache(maxsize=65536)
def transliterate(text: str) -> str:
    """ASCII for any script (Cyrillic ``БКП`` → ``BKP``), accents dropped."""
    if text.isascii():
        return text
    from anyascii import anyascii

    return str(anyascii(unicodedata.normalize("NFC", text.translate(_BEFORE))))


def fold_words(text: str) -> str:
    """Lowercase ASCII words separated by single spaces."""
    return _NOT_ALNUM.sub(" ", transliterate(text).lower()).strip()


def fold_key(text: str) -> str:
    """Lowercase ASCII letters and digits only: the identity of an abbreviation."""
    return _NOT_ALNUM.sub("", transliterate(text).lower())


def slugify(text: str) -> str:
    """A member id from an abbreviation: ``PC (ML)`` → ``pc-ml``, ``БРП(к)`` → ``brp-k``."""
    return fold_words(text).replace(" ", "-") or "member"


# Transliteration variants, longest first: German ``tsch``/``sch`` for ч/ш, ``kh`` and
# ``ts`` (х, ц) as ``h`` and ``c``, ``x`` as ``ks`` (Marxist, Marksist), then ``j`` as
# ``y`` (``ja``/``ya``, ``ij``/``iy``...).
_VARIANTS = (("tsch", "ch"), ("sch", "sh"), ("kh", "h"), ("ts", "c"), ("x", "ks"))
_J_TO_Y = str.maketrans("j", "y")
# A doubled letter ("mm" of "komm") becomes single. ``str.replace`` pairs them from the
# left, so a longer run stays a run ("qqqq" -> "qq"), never a single letter.
_DOUBLED = re.compile(r"([a-z])\1")


def fold_variants(folded: str) -> str:
    """Text already folded by ``fold_words`` with spelling variants made one:
    ``tsch``→``ch``, ``sch``→``sh``, ``kh``→``h``, ``ts``→``c``, ``x``→``ks``, ``j``→``y``,
    and doubled letters single (``Kommunist``/``Komunist``; a longer run stays a run).
    Letters within words only, so word boundaries are kept. Linear: a few
    ``str.replace`` passes and one regex scan."""
    for variant, canonical in _VARIANTS:
        if variant in folded:
            folded = folded.replace(variant, canonical)
    folded = folded.translate(_J_TO_Y)
    for letter in set(_DOUBLED.findall(folded)):
        folded = folded.replace(letter + letter, letter)
    return folded
