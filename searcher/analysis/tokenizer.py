"""Split text into surface tokens with character offsets.

One regular expression, applied with ``finditer``; the first rule that matches at a
position wins:

1. **URLs** (``https://…``, ``www.…``) and **e-mail addresses** are one token each,
   trailing punctuation excluded — so a link never yields junk terms like ``https``
   or ``www``. (The slower pattern with these two rules is used only for a text that
   contains ``@``, ``://`` or ``www.``.)
2. **Currency glued to a number** splits: ``Rp2,8`` → ``Rp`` ``2,8``; ``Rp 2,8`` is
   already two tokens. ``US$5`` → ``US`` ``$`` ``5``.
3. **Numbers** keep their decimal commas and thousand dots: ``2,8`` ``5.000``
   ``08.30`` ``1.500.000,50``; a dot or comma not between digits ends the number.
4. **Words** are runs of letters and digits (``G20``, ``5G``), joined by inner
   hyphens and apostrophes: ``e-KTP``, ``COVID-19``, ``anak-anak``, ``ransomware-nya``,
   ``Ma'ruf``, ``Ma’ruf`` (any of ``- ‐ ‑`` and ``' ’ ʼ``). A dot is never inside a word,
   so ``akhir.Kemudian`` is two tokens and ``Kompas.com`` is ``Kompas`` ``com``.
5. The **symbols** ``%``, ``$`` and ``€`` are tokens of their own (``2,5%`` → ``2,5``
   ``%``); the analyzer gives them the terms ``persen``, ``dolar``, ``euro``.

Everything else — spaces, other punctuation, quotes, other symbols — separates
tokens and is dropped. Case is kept: lower-casing is the analyzer's job.
"""

from __future__ import annotations

import re

_WORD = r"[^\W_]+(?:[-\u2010\u2011'\u2019\u02bc][^\W_]+)*"
_NUMBER = r"\d+(?:[.,]\d+)+"
_CURRENCY = r"(?i:rp)(?=\d)"
_SYMBOL = r"[%$\u20ac]"
_URL = r"(?i:https?://|www\.)[^\s<>\"'\u201c\u201d\u2018\u2019()\[\]{}]*[^\s<>\"'\u201c\u201d\u2018\u2019()\[\]{}.,;:!?]"
_EMAIL = r"[^\W_][\w.+-]*@[^\W_][\w-]*(?:\.[\w-]+)+"

#: the plain pattern (no URL or e-mail rule)
TOKEN_RE = re.compile("|".join((_CURRENCY, _NUMBER, _WORD, _SYMBOL)))
#: the full pattern, for texts that may contain a URL or an e-mail address
TOKEN_RE_LINKS = re.compile("|".join((_URL, _EMAIL, _CURRENCY, _NUMBER, _WORD, _SYMBOL)))


def token_pattern(text: str) -> re.Pattern[str]:
    """The pattern to split ``text`` with (the full one only when it may hold links)."""
    if "@" in text or "://" in text or "www." in text or "WWW." in text:
        return TOKEN_RE_LINKS
    return TOKEN_RE


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Return ``(surface, start, end)`` for every token of ``text``.

    >>> tokenize("Rp2,8 miliar (2,5%) untuk e-KTP")
    [('Rp', 0, 2), ('2,8', 2, 5), ('miliar', 6, 12), ('2,5', 14, 17), ('%', 17, 18), ('untuk', 20, 25), ('e-KTP', 26, 31)]
    """
    return [(m.group(), m.start(), m.end()) for m in token_pattern(text).finditer(text)]
