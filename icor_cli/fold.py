"""Folding text for comparison: case, accents, script, spacing and punctuation.

``БКП``, ``bkp`` and ``B.K.P.`` all fold to ``bkp``. Used for abbreviation uniqueness,
member references and search, so that all three agree on what "the same" means.
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
