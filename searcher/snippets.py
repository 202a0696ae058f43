"""Query-biased snippets: the passage of a body that matches the query best.

The body is split into tokens with the same analyzer as the index, so inflected
forms highlight (a query "pukul" marks "memukul"). Windows of ``width`` tokens are
scored by the number of distinct query terms they contain, then by total matches;
the best window is widened to whole words and trimmed with an ellipsis.
"""

from __future__ import annotations

from collections.abc import Collection

from searcher.analysis import default_analyzer
from searcher.results import Snippet

ELLIPSIS = "…"


def make_snippet(text: str, terms: Collection[str], *, width: int = 32,
                 exact: Collection[str] = ()) -> Snippet:
    """Best passage of ``text`` for the index ``terms`` (and unstemmed ``exact`` forms)."""
    spans = default_analyzer().spans(text)
    if not spans:
        return Snippet(text[:200])
    hits = [i for i, (term, a, b) in enumerate(spans)
            if term in terms or (exact and text[a:b].lower() in exact)]
    if not hits:
        first = 0
    else:
        best = (-1, -1, 0)
        j = 0
        for i, start in enumerate(hits):
            while hits[i] - hits[j] >= width:
                j += 1
            window = hits[j:i + 1]
            distinct = len({spans[k][0] for k in window})
            score = (distinct, len(window), -hits[j])
            if score > best:
                best = score
                first = hits[j]
        # centre the matches a little
        first = max(0, first - 4)
    last = min(len(spans), first + width) - 1
    start_char = spans[first][1]
    end_char = spans[last][2]
    if first > 0:
        # start at the sentence start if it is near
        lookback = text.rfind(". ", max(0, start_char - 80), start_char)
        if lookback != -1 and lookback + 2 <= start_char:
            start_char = lookback + 2
    prefix = ELLIPSIS if start_char > 0 else ""
    suffix = ELLIPSIS if end_char < len(text) else ""
    if end_char < len(text) and text[end_char:end_char + 1] in ".!?":
        end_char += 1
        suffix = ELLIPSIS if end_char < len(text) else ""
    body = " ".join(text[start_char:end_char].split())
    # recompute highlight offsets inside the normalised passage
    marks = []
    offset = len(prefix)
    passage_spans = default_analyzer().spans(body)
    for term, a, b in passage_spans:
        if term in terms or (exact and body[a:b].lower() in exact):
            marks.append((a + offset, b + offset))
    return Snippet(prefix + body + suffix, tuple(marks))
