"""Sentence splitting: title, summary and body lines never merge."""

from __future__ import annotations

import re

# Tokens that end with a period without ending a sentence (compared case-insensitively).
_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "rev",
        "fr",
        "sr",
        "sra",
        "srta",
        "jr",
        "st",
        "mt",
        "ft",
        "no",
        "nos",
        "vol",
        "art",
        "dept",
        "univ",
        "inc",
        "ltd",
        "co",
        "corp",
        "vs",
        "etc",
        "approx",
        "est",
        "cf",
        "al",
        "ca",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "dra",
        "lic",
        "ing",
        "mgr",
        "mme",
        "mlle",
        "hr",
        "hrn",
        "frau",
        "nr",
        "bzw",
        "ggf",
        "usw",
        "sig",
        "dott",
        "avv",
        "dhr",
        "mevr",
        "bpk",
        "ir",
        "drs",
        "sdr",
    }
)


_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+(?=[\"'«“‘(¿¡]?[\w])")


_INITIALS = re.compile(r"(?:\b\w\.)+$")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split into (start offset, sentence); title, summary and body lines never merge.

    A period ends a sentence only when the next word starts with a capital or a digit and
    the token before it is not an abbreviation ("Mr.", "Gen.", "Sept."), an initial
    ("J.") or a dotted acronym ("U.S.", "E.U.").
    """
    out: list[tuple[int, str]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        chunk = line.group()
        pos = 0
        for m in _BOUNDARY.finditer(chunk):
            nxt = chunk[m.end() : m.end() + 2].lstrip("\"'«“‘(¿¡")
            if not nxt or not (nxt[0].isupper() or nxt[0].isdigit()):
                continue
            before = chunk[pos : m.start()]
            last = before.rsplit(None, 1)[-1] if before.split() else ""
            if chunk[m.start()] == "." and m.group().startswith(".") and not m.group().startswith(".."):
                bare = last.rstrip(".").lower()
                if bare in _ABBREVIATIONS or _INITIALS.search(last + ".") or (len(bare) == 1 and bare.isalpha()):
                    continue
            _emit(out, start + pos, chunk[pos : m.end()])
            pos = m.end()
        _emit(out, start + pos, chunk[pos:])
    return out


def _emit(out: list[tuple[int, str]], start: int, piece: str) -> None:
    stripped = piece.strip()
    if stripped:
        out.append((start + (len(piece) - len(piece.lstrip())), stripped))
