"""Fit the packaged list of words common to service articles (src/askcases/text/common_terms.json)
on the tuning article sets only (eval/tuning-articles and -2 on, and corpus/): the content terms
that at least SHARE of those articles use. Such a word ("staff", "together", "estimate") names no
topic a question is about, so an article that lacks it is not thereby about another service. The
test sets (eval/new-articles/, eval/paraphrases.jsonl) are never read. Run with
`make fit-common-terms`.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from askcases.config import project_root
from askcases.ingest.articles import iter_corpus
from askcases.text.lexicon import COMMON_TERMS_FILE, content_terms
from askcases.types import Article

SHARE = 0.09  # about one tuning article in eleven; set by hand, not searched for


def tuning_folders(root: Path) -> list[Path]:
    """corpus/ and every tuning article set, in a stable order."""
    sets = sorted(
        (p for p in (root / "eval").glob("tuning-articles*") if p.is_dir()),
        key=lambda p: int(p.name.rpartition("-")[2]) if p.name[-1].isdigit() else 1,
    )
    return [root / "corpus", *sets]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=SHARE)
    parser.add_argument("--out", type=Path, default=COMMON_TERMS_FILE)
    args = parser.parse_args()
    root = project_root()
    used: Counter[str] = Counter()
    articles = 0
    for folder in tuning_folders(root):
        for _, article in iter_corpus(folder):
            if isinstance(article, Article):
                articles += 1
                used.update(set(content_terms(f"{article.title} {article.text}")))
        print(f"{folder.relative_to(root)}: {articles} articles so far", flush=True)
    least = args.share * articles
    common = sorted(term for term, n in used.items() if n >= least)
    args.out.write_text(
        json.dumps(
            {
                "_about": (
                    f"Content terms (stemmed) that at least {args.share:.0%} of the {articles} "
                    "tuning articles use (eval/fit_common_terms.py): a question's word among them "
                    "names no topic of the library."
                ),
                "terms": common,
            },
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(common)} common terms of {len(used)} -> {args.out}")


if __name__ == "__main__":
    main()
