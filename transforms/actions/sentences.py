"""Sentence splitting: sentencex per line, so title, summary and body lines never merge.

sentencex (Wikimedia's segmenter, about 300 languages with their abbreviation lists and
fallbacks) replaces a hand-kept abbreviation list; offsets into the text are kept so entity
mentions can be mapped onto sentences.
"""

from __future__ import annotations

import re

from sentencex import segment


def split_sentences(text: str, lang: str = "en") -> list[tuple[int, str]]:
    """Split into (start offset, sentence), each line on its own; ``lang`` picks the rules."""
    code = (lang or "en").lower()[:2]
    if not code.isalpha():
        code = "en"
    out: list[tuple[int, str]] = []
    for line in re.finditer(r"[^\n]+", text):
        start, chunk, pos = line.start(), line.group(), 0
        for piece in segment(code, chunk):
            at = chunk.find(piece, pos) if piece else -1
            if at < 0:  # the segmenter changed the text: fall back to the rest of the line
                _emit(out, start + pos, chunk[pos:])
                pos = len(chunk)
                break
            _emit(out, start + at, piece)
            pos = at + len(piece)
        if pos < len(chunk):
            _emit(out, start + pos, chunk[pos:])
    return out


def _emit(out: list[tuple[int, str]], start: int, piece: str) -> None:
    stripped = piece.strip()
    if stripped:
        out.append((start + (len(piece) - len(piece.lstrip())), stripped))
