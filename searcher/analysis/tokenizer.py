"""Split text into surface tokens with character offsets.

Rules (v1):
- numbers keep their decimal commas and thousand dots: ``2,8`` ``5.000`` ``08.30``;
- words keep inner hyphens and apostrophes: ``anak-anak``, ``e-KTP``, ``Ma'ruf``;
- everything else (punctuation, symbols) separates tokens.
"""

from __future__ import annotations

import re

TOKEN_RE = re.compile(
    r"\d+(?:[.,]\d+)+"            # 2,8  5.000  08.30
    r"|[^\W_]+(?:[-'’][^\W_]+)*"  # words, hyphenated words, Ma'ruf
)


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Return ``(surface, start, end)`` for every token of ``text``."""
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]
