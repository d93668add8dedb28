"""askcases benchmark: a synthetic corpus made from the real articles, at 1k and 10k chunks (100k
with --large), measured beside LangChain's tutorial pipeline. Writes eval/bench.json and
BENCHMARKS.md. Run with `make bench` (or `make bench-large`).

Figures: full indexing throughput (chunks/s); adding one article to the largest index (s);
retrieval and full extractive answer latency (median, p95); cold start of `askcases ask` to its
first answer (s); peak RSS of `askcases serve` while answering (MiB); index size on disk (MiB).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from askcases.assistant import Assistant
from askcases.chunking import sentence_spans
from askcases.documents import load_article
from askcases.embeddings import MiniLMEmbeddings, resolve_precision
from askcases.evaluate import percentile
from askcases.index import sync_index, tutorial_store
from askcases.settings import load_settings, project_root

REPO = project_root()
PLACES = (
    "Leeds Hull York Derby Exeter Truro Bath Wells Ely Leicester Lincoln Norwich Ipswich Luton "
    "Reading Slough Swindon Oxford Crewe Stockport Bolton Wigan Preston Carlisle Durham Sunderland "
    "Gateshead Bradford Halifax Barnsley Rotherham Doncaster Grimsby Coventry Walsall Dudley "
    "Telford Hereford Worcester Gloucester Taunton Yeovil Poole Salisbury Winchester Brighton "
    "Hastings Margate Canterbury Dover Chelmsford Colchester Southend Harlow Watford Stevenage"
).split()
SERVICES = (
    "stroke",
    "diabetes",
    "DVT",
    "phlebotomy",
    "gynaecology",
    "respiratory",
    "heart failure",
    "falls",
    "dermatology",
    "ophthalmology",
    "back pain",
    "mental health",
)
QUESTIONS = [
    "How much did the {place} {service} service save a year?",
    "Who runs the {service} clinics in {place}?",
    "By how much did {place} cut emergency admissions?",
    "How many patients does the {place} {service} service see each month?",
    "When did the {place} {service} service launch?",
]


def _real_sentences() -> list[str]:
    sentences = []
    for path in sorted((REPO / "corpus").glob("*.txt")):
        text = load_article(path).text
        sentences += [text[s:e] for s, e in sentence_spans(text) if s > 0 and len(text[s:e]) > 40]
    return sentences


def make_corpus(folder: Path, n_articles: int, seed: int) -> None:
    """Articles of recombined real sentences, with places, services and figures varied."""
    rng = random.Random(seed)
    sentences = _real_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n_articles):
        place, service = rng.choice(PLACES), rng.choice(SERVICES)
        body = []
        for sentence in rng.sample(sentences, rng.randint(8, 14)):
            sentence = re.sub(
                r"\b(?:Wigan|Newcastle|Barnet|Bexley|Plymouth|Bedfordshire|Torbay|"
                r"Richmond|Reading|Croydon|Somerset|Redbridge)\b",
                place,
                sentence,
            )
            sentence = re.sub(r"\d[\d,]*", lambda _: f"{rng.randint(2, 900):,}", sentence)
            body.append(sentence)
        title = f"{place} {service} service moves care closer to home ({i})"
        month = rng.choice(["March", "June", "October"])
        day = f"{rng.randint(1, 28)} {month} {rng.randint(2011, 2023)}"
        (folder / f"synthetic-{i:06d}.txt").write_text(
            f"{title}\n\n{day}\n\n" + "\n".join(body) + "\n", encoding="utf-8"
        )


def _timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _stats(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1)}


def _dir_mib(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def _cold_start(corpus: Path, index: Path, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "askcases",
                "ask",
                "Who runs the stroke clinics in Leeds?",
                "--corpus",
                str(corpus),
                "--index",
                str(index),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 2)


def _serve_peak_rss(corpus: Path, index: Path, questions: list[str]) -> float:
    import socket

    from gradio_client import Client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "askcases",
            "serve",
            "--no-sync",
            "--port",
            str(port),
            "--corpus",
            str(corpus),
            "--index",
            str(index),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        for question in questions:
            client.predict(question, api_name="/ask")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak_kib = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return round(peak_kib / 1024, 1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def bench_size(target_chunks: int, work: Path, seed: int, is_largest: bool) -> dict[str, Any]:
    corpus, index = work / "corpus", work / "index"
    # About 3.4 chunks an article.
    make_corpus(corpus, max(1, round(target_chunks / 3.4)), seed)
    settings = load_settings(environ={}, corpus_dir=corpus, index_dir=index)
    embeddings = MiniLMEmbeddings(settings.precision, settings.batch_size)
    embeddings.embed_query("warm up")
    started = time.perf_counter()
    report = sync_index(settings, embeddings, quiet=True)
    index_s = time.perf_counter() - started
    rng = random.Random(seed + 1)
    questions = [
        rng.choice(QUESTIONS).format(place=rng.choice(PLACES), service=rng.choice(SERVICES))
        for _ in range(30)
    ]
    assistant = Assistant(settings, embeddings)
    retriever = assistant.retriever(5)
    figures: dict[str, Any] = {
        "chunks": report.chunks,
        "articles": report.added,
        "index_chunks_per_s": round(report.chunks / index_s, 1),
        "retrieval": _stats(
            [t for q in questions for t in _timed(lambda q=q: retriever.invoke(q), 1)]
        ),
        "answer": _stats([t for q in questions for t in _timed(lambda q=q: assistant.ask(q), 1)]),
        "index_mib": _dir_mib(index),
    }
    if is_largest:
        extra = corpus / "zz-one-more.txt"
        make_corpus(work / "one", 1, seed + 7)
        shutil.copyfile(next((work / "one").iterdir()), extra)
        started = time.perf_counter()
        sync_index(settings, embeddings, quiet=True)
        figures["add_one_article_s"] = round(time.perf_counter() - started, 2)
        figures["cold_start_s"] = _cold_start(corpus, index)
        figures["serve_peak_rss_mib"] = _serve_peak_rss(corpus, index, questions[:20])

    # LangChain's tutorial pipeline on the same files.
    started = time.perf_counter()
    store = tutorial_store(corpus, embeddings)
    tutorial_s = time.perf_counter() - started
    n_tutorial = store._collection.count()
    figures["tutorial"] = {
        "chunks": n_tutorial,
        "index_chunks_per_s": round(n_tutorial / tutorial_s, 1),
        "index_articles_per_s": round(report.added / tutorial_s, 1),
        "retrieval": _stats(
            [t for q in questions for t in _timed(lambda q=q: store.similarity_search(q, k=5), 1)]
        ),
    }
    figures["index_articles_per_s"] = round(report.added / index_s, 1)
    return figures


def to_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Latest run: {result['when']} on {result['machine']}; embeddings in "
        f"{result['precision']}. Reproduce with `make bench` (`make bench-large` adds 100k).",
        "",
        "| chunks | articles/s (askcases / tutorial, ratio) | retrieval median ms "
        "(askcases / tutorial) | retrieval p95 ms | answer median ms | answer p95 ms | index MiB |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in result["sizes"]:
        t = size["tutorial"]
        ratio = size["index_articles_per_s"] / t["index_articles_per_s"]
        lines.append(
            f"| {size['chunks']} | {size['index_articles_per_s']} / {t['index_articles_per_s']} "
            f"({ratio:.2f}x) | {size['retrieval']['median_ms']} / {t['retrieval']['median_ms']} "
            f"| {size['retrieval']['p95_ms']} / {t['retrieval']['p95_ms']} "
            f"| {size['answer']['median_ms']} | {size['answer']['p95_ms']} | {size['index_mib']} |"
        )
    largest = result["sizes"][-1]
    lines += [
        "",
        f"Largest index ({largest['chunks']} chunks): full indexing "
        f"{largest['index_chunks_per_s']} chunks/s "
        f"(tutorial {largest['tutorial']['index_chunks_per_s']} "
        f"of its 1000-character chunks/s); adding one article {largest['add_one_article_s']} s; "
        f"cold start of `askcases ask` to its answer {largest['cold_start_s']} s; peak RSS of "
        f"`askcases serve` answering 20 questions {largest['serve_peak_rss_mib']} MiB.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description="askcases benchmark")
    parser.add_argument("--large", action="store_true", help="also 100k chunks (cached index)")
    parser.add_argument("--sizes", default=None, help="comma-separated chunk counts")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10000]
    if args.large:
        sizes.append(100_000)
    result: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "precision": resolve_precision("auto"),
        "sizes": [],
    }
    for n, size in enumerate(sizes):
        with tempfile.TemporaryDirectory(prefix=f"askcases-bench-{size}-") as tmp:
            print(f"benchmarking {size} chunks ...", file=sys.stderr)
            figures = bench_size(size, Path(tmp), seed=size, is_largest=n == len(sizes) - 1)
            result["sizes"].append(figures)
            print(json.dumps(figures), file=sys.stderr)
    (REPO / "eval" / "bench.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    markdown = to_markdown(result)
    (REPO / "BENCHMARKS.md").write_text(markdown, encoding="utf-8")
    print(markdown)


if __name__ == "__main__":
    main()
