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
7. drops trailing furniture ("loading...", detik's tag list after "(abc/def)");
8. collapses three or more newlines to one blank line and strips the ends.
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
    rf"|(?:{_alternation(_LISTS['drop_line_prefixes'])})(?:[ \t:][^\n]*)?)(?:\n|\Z)",
    re.I | re.M,
)
_INLINE_RE = re.compile(rf"[ \t]*(?:{_alternation(_LISTS['inline'])})")
_CUT_RE = re.compile(rf"^[ \t]*(?:{_alternation(_LISTS['cut_from'])})[ \t]*$", re.I | re.M)
# Cheap substring tests (on the lower-cased text) that decide whether a regex needs to run.
_FURNITURE_HINTS = tuple(sorted(
    {e.lower().split()[0] for e in _LISTS["drop_lines"] + _LISTS["drop_line_prefixes"] + _LISTS["inline"]}
))
_CUT_HINTS = tuple(sorted({" ".join(e.lower().split()) for e in _LISTS["cut_from"]}))

# -- spaces and mojibake -------------------------------------------------------------

# UTF-8 read as Mac Roman: a lead byte shown as ¬ √ ≈ ‚ or the Apple logo, then
# continuation bytes (0x80-0xBF) shown as Mac Roman letters and symbols.
_CONT = re.escape(bytes(range(0x80, 0xC0)).decode("mac_roman"))
_MOJIBAKE_RE = re.compile(rf"[¬√≈][{_CONT}]|‚[{_CONT}]{{2}}|\uf8ff[{_CONT}]{{3}}")
_MOJIBAKE_LEADS = "¬√≈‚\uf8ff"
# U+2000-U+203F (curly quotes, dashes, "…", zero-width spaces) are E2 80 xx in UTF-8,
# shown as "‚Ä" + one character: the most common family, fixed without a regex.
_PUNCT_PREFIX = "‚Ä"
_PUNCT_FIX: dict[str, str] = {
    bytes([byte]).decode("mac_roman"): bytes([0xE2, 0x80, byte]).decode("utf-8") for byte in range(0x80, 0xC0)
}

_ODD_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\u2800"
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_ODD_CHARS: tuple[tuple[str, str], ...] = (
    *((c, " ") for c in _ODD_SPACES), *((c, "") for c in _INVISIBLE), ("\u2028", "\n"), ("\u2029", "\n"),
)
_BLANKS_RE = re.compile(r"\n{3,}")


def _fix_mojibake(match: re.Match[str]) -> str:
    try:
        return match.group().encode("mac_roman").decode("utf-8")
    except UnicodeError:
        return match.group()


def _fix_punctuation(text: str) -> str:
    """Repair every "‚Ä" + character sequence in one pass."""
    first, *rest = text.split(_PUNCT_PREFIX)
    fixed = [first]
    for part in rest:
        good = _PUNCT_FIX.get(part[:1])
        fixed.append(good + part[1:] if good is not None else _PUNCT_PREFIX + part)
    return "".join(fixed)


def normalize_spaces(text: str) -> str:
    """Repair mojibake, map odd spaces to spaces, collapse runs of spaces within lines.

    Each step runs only when a cheap substring test says it is needed (most
    bodies need none), and plain ``str.replace`` is preferred to regexes: the
    corpus reader's speed depends on it.

    >>> normalize_spaces("Harga\\u00a0 emas ¬†naik\\r\\n")
    'Harga emas naik\\n'
    """
    if not text.isascii():
        if _PUNCT_PREFIX in text:
            text = _fix_punctuation(text)
        if any(lead in text for lead in _MOJIBAKE_LEADS):
            text = _MOJIBAKE_RE.sub(_fix_mojibake, text)
        for odd, replacement in _ODD_CHARS:
            if odd in text:
                text = text.replace(odd, replacement)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for odd in "\t\f\v":
        if odd in text:
            text = text.replace(odd, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    if "\n" in text:
        if " \n" in text:
            text = text.replace(" \n", "\n")
        if "\n " in text:
            text = text.replace("\n ", "\n")
    return text


def clean_text(text: object) -> str:
    """Tidy a one-line value (a title, a category): one space between words, stripped.

    ``None`` and blank values give ``""``.

    >>> clean_text("  Diblokir,\\u00a0Kaspersky\\n Tutup ")
    'Diblokir, Kaspersky Tutup'
    """
    if text is None:
        return ""
    text = str(text)
    if not text.isascii():
        text = normalize_spaces(text)
    elif "  " not in text and "\n" not in text and "\t" not in text and "\r" not in text:
        return text.strip()
    return " ".join(text.split())


# -- "Baca juga" links ---------------------------------------------------------------

_MARKER_RE = re.compile(r"\b(?P<word>baca|simak)[ \t]+juga\b[ \t]*(?P<sep>[:;\-–]|(?=,)|$)", re.I | re.M)
_SENTENCE_END = ".!?\"”'’),;:"
_GLUE_RE = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z])|(?<=[A-Z]{2})(?=[A-Z][a-z]{2})|(?<=[A-Za-z])(?=[\"“])")
_SENTENCE_BREAK_RE = re.compile(r"\. [A-Z\"“]")
_HEADLINE_TRIM = " \t.,;:-–—"
_MAX_HEADLINE_WORDS = 25
_MAX_HEADLINE_CHARS = 200


def _looks_like_headline(text: str) -> bool:
    """Short, no full stop inside or at the end: a headline rather than a paragraph or a quotation."""
    text = text.strip()
    if not text or len(text) > _MAX_HEADLINE_CHARS or len(text.split()) > _MAX_HEADLINE_WORDS:
        return False
    if text.endswith("...") or text.endswith("…"):
        return True
    return text[-1] not in ".,;:\"”" and _SENTENCE_BREAK_RE.search(text) is None


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
    return match is not None and not line[match.end():].strip(" :-–")


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
        opening = before[-1:] if before.endswith(("[", "(")) else ""
        if opening:
            before = before[:-1].rstrip(" ")
        if before and before[-1] not in _SENTENCE_END:
            pos = end  # mid-sentence: not a link
            continue
        rest = line[end:]
        if opening:
            close = ")" if opening == "(" else "]"
            stop = rest.find(close, 0, _MAX_HEADLINE_CHARS + 10)
            inner = rest[:stop] if stop != -1 else ""
            if inner.strip(" ,") and len(inner.strip(" ,")) <= 3 or _looks_like_headline(inner):
                if not inner.lstrip().startswith(","):
                    related.append(_headline(inner))
                line = _join(before, rest[stop + 1:])
                pos = len(before)
                continue
        if not rest.strip() or rest.lstrip(" ").startswith(","):
            # The link text is gone (the CLICK-ID crawl): drop the marker and its commas.
            line = _join(before.rstrip(","), rest.lstrip(" ,"), glue=",")
            pos = len(before.rstrip(","))
        elif _looks_like_headline(rest) or not before and _looks_like_headline(rest.rstrip(". ")):
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

_VIDEO_WORDS = ("simak", "lihat", "tonton", "saksikan")
_VIDEO_LINE_RE = re.compile(
    r"^[ \t]*['\"“‘]?(?:simak|lihat|tonton|saksikan)\b(?=[^\n]{0,300}$)[^\n]*\bvideo[^\n]*(?:\n|$)",
    re.I | re.M,
)
# "…ujar dia.,Simak video perakitan mobil Esemka:,Mobil …" (a caption inside a comma-joined body)
_VIDEO_INLINE_RE = re.compile(
    r"(?<=[.!?\"”,])[ \t]*(?:simak|lihat|tonton|saksikan)(?:[ \t]+juga)?[ \t]+video\b[^\n,:]{0,200}:[ \t]*(?=,|$)",
    re.I | re.M,
)
# "… pungkasnya. Simak Video 'Judul Video':" at the very end of the body
_VIDEO_TAIL_RE = re.compile(
    r"(?:(?<=[.!?\"”'’),])|^)[ \t]*['\"“‘]?(?:simak|lihat|tonton|saksikan)(?:[ \t]+\w+){0,2}?[ \t]+"
    r"video(?:nya)?\b(?:[^\n.!?]|[.!?](?=[\s'\"”’:]|\Z)|(?<=\d)\.(?=\d)){0,300}\Z",
    re.I | re.M,
)
_TAIL_WINDOW = 400
# What tells a teaser ("Simak juga Video …", "Simak di video berikut ini.") from prose that
# happens to end with "Lihat video itu, katanya, …".
_TEASER_RE = re.compile(
    r"^\W*\w+[ \t]+juga\b|\bVIDEO\b|\bVideo\b|videonya|berikut|di[ \t]+bawah|di[ \t]+sini|tautan|:\W*$"
)


def _teaser_line(match: re.Match[str]) -> str:
    return "" if _TEASER_RE.search(match.group().strip()) else match.group()


def _drop_video(text: str) -> str:
    text = _VIDEO_LINE_RE.sub(_teaser_line, text)
    if ":" in text:
        text = _VIDEO_INLINE_RE.sub("", text)
    text = text.rstrip(" \t\n,")
    tail = _VIDEO_TAIL_RE.search(text, max(0, len(text) - _TAIL_WINDOW))
    if tail is None or not _TEASER_RE.search(tail.group()):
        return text
    return text[:tail.start()]


# -- datelines ---------------------------------------------------------------------------

_LEADING_JUNK_RE = re.compile(r"^(?:[\s,;]|[-–—.]+(?=[\s,]|$))+")
_DATELINE_RE = re.compile(r"^(?P<prefix>[^\s\-–—][^\n\-–—]{0,60}?)[ \t]*(?:-[ \t]?-|–|—|-)[ \t]+(?P<next>\S*)")
_DATELINE_WINDOW = 70
_PARENTHESIS_RE = re.compile(r"\(\S[^)]*\)")
_BAD_PREFIX_RE = re.compile(r"[!?;:\"“”|]|\.(?:\s|$)")


def _strip_dateline(text: str) -> str:
    text = _strip_leading_junk(text)
    head = text[:_DATELINE_WINDOW]
    if "-" not in head and "–" not in head and "—" not in head:
        return text
    match = _DATELINE_RE.match(text)
    if match is not None and _is_dateline(match.group("prefix"), match.group("next"), text):
        text = _strip_leading_junk(text[match.end("prefix"):])
    return text


def _strip_leading_junk(text: str) -> str:
    # match + slice, not sub: a "^" pattern given to sub still walks the whole text.
    junk = _LEADING_JUNK_RE.match(text)
    return text[junk.end():] if junk is not None else text


def _is_dateline(prefix: str, following: str, text: str) -> bool:
    """Whether ``prefix`` (the text before the first dash) is a dateline such as "JAKARTA, KOMPAS.com"."""
    words = prefix.split()
    if not words or len(words) > 5 or _BAD_PREFIX_RE.search(prefix):
        return False
    lowered = prefix.lower()
    if any(name in lowered for name in _PUBLISHERS) or "(" in prefix and _PARENTHESIS_RE.search(prefix):
        return True
    # A bare place name: "Surabaya -", "KOTA BANDUNG –"; but not "Baru - baru ini", "GO - JEK"
    # or a hyphenated name written with spaces that recurs below ("Mercedes - Benz").
    if len(words) > 3 or any(not w[:1].isupper() or any(ch.isdigit() for ch in w) for w in words):
        return False
    last = words[-1].strip(",")
    if len(last) < 3 or not following[:1].isupper() or following.lower() == last.lower():
        return False
    rest = text[len(prefix):]
    return f"{last} - {following}" not in rest and f"{last}-{following}" not in rest


# -- trailing furniture -------------------------------------------------------------------

_TRAILING = tuple(e.lower() for e in _LISTS.get("trailing", ()))
_TRAILING_LONGEST = max((len(e) for e in _TRAILING), default=1)
# detik ends with the editors' initials and a list of lower-case tags: "(fat/fat) pilgub jatim 2018"
_TAGS_RE = re.compile(r"\([a-z]{2,5}/[a-z]{2,5}\)(?P<tags>[ \t]+[a-z0-9][a-z0-9 \t'-]*)\Z")


def _strip_trailing(text: str) -> str:
    text = text.rstrip(" \t\n,")
    tail = text[-_TRAILING_LONGEST:].lower()
    for marker in _TRAILING:
        if tail.endswith(marker):
            text = text[:-len(marker)].rstrip(" \t\n,")
            break
    if "/" in text[-_TAIL_WINDOW:]:
        tags = _TAGS_RE.search(text, max(0, len(text) - _TAIL_WINDOW))
        if tags is not None:
            text = text[:tags.start("tags")]
    return text


# -- the whole body ------------------------------------------------------------------------


def clean_body(text: str) -> tuple[str, tuple[str, ...]]:
    """Return ``(clean body, related headlines)`` for a body as scraped.

    Each step is guarded by a cheap substring test, so a clean body costs a
    few scans (the corpus reader relies on this for its speed).

    >>> clean_body("KOMPAS.com - Harga naik.\\nBaca juga: Harga Emas Turun\\nADVERTISEMENT\\nLagi.")
    ('Harga naik.\\nLagi.', ('Harga Emas Turun',))
    """
    text = normalize_spaces(text)
    lower = text.lower()
    if any(hint in lower for hint in _CUT_HINTS):
        cut = _CUT_RE.search(text)
        if cut is not None:
            text = text[:cut.start()]
    if any(hint in lower for hint in _FURNITURE_HINTS):
        text = _INLINE_RE.sub("", _DROP_LINES_RE.sub("", text))
    related: list[str] = []
    if "baca juga" in lower or "simak juga" in lower:
        text = _extract_related(text, related)
    if "video" in lower and any(word in lower for word in _VIDEO_WORDS):
        text = _drop_video(text)
    text = _strip_dateline(text.strip())
    text = _strip_trailing(text)
    if "\n\n\n" in text:
        text = _BLANKS_RE.sub("\n\n", text)
    # A trailing comma is what is left of a link the crawl dropped (CLICK-ID's comma-joined bodies).
    return text.strip().rstrip(", \t\n"), tuple(r for r in related if r)
