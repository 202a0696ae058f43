"""Clean scraped article text: odd spaces, page furniture, datelines, "Baca juga" links.

:func:`clean_body` turns a body as scraped into the text worth indexing and
collects the headlines of its "Baca juga: …" links; :func:`clean_text` tidies a
one-line value such as a title. The word lists (furniture markers, dateline
publisher names) live in ``searcher/data/furniture.txt``.

What :func:`clean_body` does, in order:

1. repairs Mac-Roman mojibake (``‚Äú`` → ``“``, ``¬†`` → no-break space), turns
   no-break and other odd spaces into spaces, drops zero-width characters and
   ``\\r``, collapses runs of spaces and tabs;
2. cuts a "Terkini Lainnya" line and everything after it;
3. drops "ADVERTISEMENT" / "SCROLL TO CONTINUE WITH CONTENT" lines and markers;
4. moves "Baca juga: <headline>" links into ``related`` (line, bracketed and
   inline shapes; a bare "Baca juga:" line takes the headline lines under it);
5. drops "Simak/Lihat/Tonton juga video …" lines and such a tail at the end;
6. strips a dateline ("JAKARTA, KOMPAS.com -", "Surabaya -") or a leading "- ";
7. collapses three or more newlines to one blank line and strips the ends.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

__all__ = ["clean_body", "clean_text", "normalize_spaces"]

# -- word lists --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, tuple[str, ...]]:
    """Read ``searcher/data/furniture.txt`` into ``{section: entries}``."""
    text = resources.files("searcher.data").joinpath("furniture.txt").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        elif current is not None:
            current.append(line)
    return {name: tuple(entries) for name, entries in sections.items()}


def _alternation(entries: tuple[str, ...]) -> str:
    return "|".join(re.escape(e).replace(r"\ ", r"[ \t]+") for e in sorted(entries, key=len, reverse=True))


_LISTS = _word_lists()
_PUBLISHERS = tuple(p.lower() for p in _LISTS.get("publishers", ()))
_DROP_LINES_RE = re.compile(
    rf"^[ \t]*(?:(?:{_alternation(_LISTS['drop_lines'])})[ \t]*"
    rf"|(?:{_alternation(_LISTS['drop_line_prefixes'])})(?:[ \t:][^\n]*)?)$",
    re.I | re.M,
)
_INLINE_RE = re.compile(rf"[ \t]*(?:{_alternation(_LISTS['inline'])})")
_CUT_RE = re.compile(rf"^[ \t]*(?:{_alternation(_LISTS['cut_from'])})[ \t]*$", re.I | re.M)

# -- spaces and mojibake -------------------------------------------------------------

# UTF-8 read as Mac Roman: a lead byte shown as ¬ √ ≈ ‚ or the Apple logo, then
# continuation bytes (0x80-0xBF) shown as Mac Roman letters and symbols.
_CONT = re.escape(bytes(range(0x80, 0xC0)).decode("mac_roman"))
_MOJIBAKE_RE = re.compile(rf"[¬√≈][{_CONT}]|‚[{_CONT}]{{2}}|\uf8ff[{_CONT}]{{3}}")
_MOJIBAKE_HINT_RE = re.compile("[¬√≈‚\uf8ff]")

_SPACE_TABLE = str.maketrans({
    **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
       "\u2009\u200a\u202f\u205f\u3000\u2800"},
    **{c: None for c in "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"},
    "\r": "\n", "\u2028": "\n", "\u2029": "\n",
})
_HSPACE_RE = re.compile(r"[ \t\f\v]{2,}|[\t\f\v]")
_LINE_EDGE_RE = re.compile(r" ?\n ?")
_BLANKS_RE = re.compile(r"\n{3,}")


def _fix_mojibake(match: re.Match[str]) -> str:
    try:
        return match.group().encode("mac_roman").decode("utf-8")
    except UnicodeError:
        return match.group()


def normalize_spaces(text: str) -> str:
    """Repair mojibake, map odd spaces to spaces, collapse runs of spaces within lines.

    >>> normalize_spaces("Harga\\u00a0 emas ¬†naik\\r\\n")
    'Harga emas naik\\n'
    """
    if _MOJIBAKE_HINT_RE.search(text):
        text = _MOJIBAKE_RE.sub(_fix_mojibake, text)
    text = text.replace("\r\n", "\n").translate(_SPACE_TABLE)
    text = _HSPACE_RE.sub(" ", text)
    return _LINE_EDGE_RE.sub("\n", text)


def clean_text(text: object) -> str:
    """Tidy a one-line value (a title, a category): one space between words, stripped.

    ``None`` and blank values give ``""``.

    >>> clean_text("  Diblokir,\\u00a0Kaspersky\\n Tutup ")
    'Diblokir, Kaspersky Tutup'
    """
    if text is None:
        return ""
    text = normalize_spaces(str(text))
    return " ".join(text.split())


# -- "Baca juga" links ---------------------------------------------------------------

_MARKER_RE = re.compile(
    r"(?P<open>[\[(][ \t]*)?\b(?P<word>baca|simak)[ \t]+juga\b[ \t]*(?P<sep>[:\-–]|(?=,)|$)",
    re.I | re.M,
)
_SENTENCE_END = ".!?\"”'’),;:"
_GLUE_RE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[A-Z]{2})(?=[A-Z][a-z]{2})|(?<=[A-Za-z])(?=[\"“])")
_HEADLINE_TRIM = " \t.,;:-–—"
_MAX_HEADLINE_WORDS = 25
_MAX_HEADLINE_CHARS = 200


def _looks_like_headline(text: str) -> bool:
    """Short, one sentence, and not a quotation or a paragraph ending in a full stop."""
    text = text.strip()
    if not text or len(text) > _MAX_HEADLINE_CHARS or len(text.split()) > _MAX_HEADLINE_WORDS:
        return False
    if text[0] in "\"“”'‘":
        return False
    if text.endswith("...") or text.endswith("…"):
        return True
    return text[-1] not in ".,;:\"”" and not re.search(r"[.!?] [A-Z\"“]", text)


def _headline(text: str) -> str:
    text = text.strip().lstrip("-–•* \t").strip(_HEADLINE_TRIM)
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip(_HEADLINE_TRIM)
    return text


def _extract_related(text: str, related: list[str]) -> str:
    """Remove "Baca juga" links from ``text``, appending their headlines to ``related``."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not _MARKER_RE.search(line):
            out.append(line)
        elif _is_bare_marker(line):
            i = _take_headline_lines(lines, i, related)
        else:
            line = _strip_markers(line, related)
            if line.strip(" ,"):
                out.append(line)
    return "\n".join(out)


def _is_bare_marker(line: str) -> bool:
    """A line holding nothing but "Baca juga:" (its headlines are on the lines below)."""
    match = _MARKER_RE.match(line)
    return match is not None and match.group("open") is None and not line[match.end():].strip(" :-–")


def _take_headline_lines(lines: list[str], i: int, related: list[str]) -> int:
    """Take the headline lines under a bare "Baca juga:" line; return the index after them."""
    j = i
    while j < len(lines):
        candidate = lines[j].strip()
        if candidate:
            if _MARKER_RE.match(candidate) or not _looks_like_headline(candidate.lstrip("-–•* ")):
                break
            related.append(_headline(candidate))
            i = j + 1
        j += 1
    return i


def _strip_markers(line: str, related: list[str]) -> str:
    """Remove every "Baca juga" marker in ``line`` that starts a link, keeping the text around it."""
    pos = 0
    while True:
        match = _MARKER_RE.search(line, pos)
        if match is None:
            return line
        start, end = match.span()
        before = line[:start].rstrip(" ")
        if before and before[-1] not in _SENTENCE_END:
            pos = end  # mid-sentence: not a link
            continue
        rest = line[end:]
        if match.group("open"):
            close = ")" if match.group("open").startswith("(") else "]"
            stop = rest.find(close, 0, _MAX_HEADLINE_CHARS + 10)
            if stop != -1:
                related.append(_headline(rest[:stop]))
                line = _join(before, rest[stop + 1:])
                pos = len(before)
                continue
        if not rest.strip() or rest.lstrip(" ").startswith(","):
            # The link text is gone (the CLICK-ID crawl): drop the marker and its commas.
            line = _join(before.rstrip(","), rest.lstrip(" ,"), glue=",")
            pos = len(before.rstrip(","))
        elif _looks_like_headline(rest):
            related.append(_headline(rest))
            line = before
            pos = len(line)
        else:
            split = _glued_headline_end(rest)
            if split is not None:
                related.append(_headline(rest[:split]))
                rest = rest[split:]
            line = _join(before, rest)
            pos = len(before)


def _glued_headline_end(rest: str) -> int | None:
    """Where a headline glued to the next sentence ends ("…Kota MalangBagi dia, …"), if visible."""
    window = rest[:_MAX_HEADLINE_CHARS]
    for match in _GLUE_RE.finditer(window):
        head = rest[:match.start()]
        if len(head.split()) >= 2 and _looks_like_headline(head):
            return match.start()
    return None


def _join(before: str, after: str, glue: str = " ") -> str:
    """Join two pieces of a line around a removed link (comma-joined bodies keep their comma)."""
    before, after = before.rstrip(" "), after.lstrip(" ")
    if not before or not after:
        return before + after
    if before.endswith(",") or after.startswith(","):
        glue = ""
    return before + glue + after


# -- video captions ----------------------------------------------------------------------

_VIDEO_LINE_RE = re.compile(
    r"^[ \t]*['\"“‘]?(?:simak|lihat|tonton|saksikan)\b(?=[^\n]{0,300}$)[^\n]*\bvideo[^\n]*(?:\n|$)",
    re.I | re.M,
)
_VIDEO_INLINE_RE = re.compile(
    r"(?<=[.!?\"”,])[ \t]*(?:simak|lihat|tonton|saksikan)(?:[ \t]+juga)?[ \t]+video\b[^\n,:]{0,200}:[ \t]*(?=,|$)",
    re.I | re.M,
)
_VIDEO_TAIL_RE = re.compile(
    r"(?:(?<=[.!?\"”'’)])|^)[ \t]*['\"“‘]?(?:simak|lihat|tonton|saksikan)(?:[ \t]+\w+){0,2}?[ \t]+"
    r"video(?:nya)?\b[^\n]{0,300}\Z",
    re.I | re.M,
)


def _drop_video(text: str) -> str:
    text = _VIDEO_LINE_RE.sub("", text)
    text = _VIDEO_INLINE_RE.sub("", text)
    return _VIDEO_TAIL_RE.sub("", text.rstrip())


# -- datelines ---------------------------------------------------------------------------

_LEADING_JUNK_RE = re.compile(r"^(?:[\s,;]|[-–—]+(?=[\s,]|$))+")
_DATELINE_RE = re.compile(r"^(?P<prefix>[^\s\-–—][^\n\-–—]{0,60}?)[ \t]*(?:-[ \t]?-|–|—|-)[ \t]+(?P<next>\S*)")
_BAD_PREFIX_RE = re.compile(r"[!?;:\"“”|]|\.(?:\s|$)")


def _strip_dateline(text: str) -> str:
    text = _LEADING_JUNK_RE.sub("", text, count=1)
    match = _DATELINE_RE.match(text)
    if match is not None and _is_dateline(match.group("prefix"), match.group("next")):
        text = _LEADING_JUNK_RE.sub("", text[match.end("prefix"):], count=1)
    return text


def _is_dateline(prefix: str, following: str) -> bool:
    """Whether ``prefix`` (the text before the first dash) is a dateline such as "JAKARTA, KOMPAS.com"."""
    words = prefix.split()
    if not words or len(words) > 5 or _BAD_PREFIX_RE.search(prefix):
        return False
    lowered = prefix.lower()
    if any(name in lowered for name in _PUBLISHERS) or re.search(r"\(\S[^)]*\)", prefix):
        return True
    # A bare place name: "Surabaya -", "KOTA BANDUNG –", but not "Baru - baru ini" or "GO - JEK".
    if any(not w[:1].isupper() or any(ch.isdigit() for ch in w) for w in words):
        return False
    if len(words) > 3 or len(words[-1].strip(",")) < 3:
        return False
    return bool(following) and following[:1].isupper() and following.lower() != words[-1].lower().strip(",")


# -- the whole body ------------------------------------------------------------------------


def clean_body(text: str) -> tuple[str, tuple[str, ...]]:
    """Return ``(clean body, related headlines)`` for a body as scraped.

    >>> clean_body("KOMPAS.com - Harga naik.\\nBaca juga: Harga Emas Turun\\nADVERTISEMENT\\nLagi.")
    ('Harga naik.\\nLagi.', ('Harga Emas Turun',))
    """
    text = normalize_spaces(text)
    cut = _CUT_RE.search(text)
    if cut is not None:
        text = text[:cut.start()]
    if "ADVERTISEMENT" in text or "SCROLL" in text:
        text = _INLINE_RE.sub("", text)
    text = _DROP_LINES_RE.sub("", text)
    related: list[str] = []
    if _MARKER_RE.search(text):
        text = _extract_related(text, related)
    if "ideo" in text or "IDEO" in text:
        text = _drop_video(text)
    text = _strip_dateline(text.strip())
    text = _BLANKS_RE.sub("\n\n", text).strip()
    return text, tuple(r for r in related if r)
