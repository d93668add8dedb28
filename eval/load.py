"""askcases under load, on loopback: `make load`.

Starts `askcases serve` on 127.0.0.1 over a private copy of the corpus, then:

1. load: 20 users, each its own Gradio API client, ask 25 questions each (the eval questions,
   shuffled per user) at once, while an admin re-uploads a changed article through the same
   API every two seconds (each upload re-indexes it). Every answer must come back without an
   error, and every answer that is not a refusal must be grounded in its citations (each quote
   is the text of its article at its offsets, every sentence supported). Prints p50/p95.
2. soak (--soak-minutes, 10 by default): 4 users ask without pause; the server's resident memory
   is sampled every 10 s, and its growth from the end of the first minute to the end must stay
   within 10%.

Writes eval/load.json. Bounded: a fixed number of requests and a fixed time, loopback only.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from askcases.app.servers import ServerStartError, serve_askcases, stop
from askcases.config import project_root
from askcases.evaluation.questions import default_questions_file, load_questions, percentile

REPO = project_root()
USERS, QUESTIONS_EACH = 20, 25
SOAK_USERS = 4
REINDEX_EVERY_S = 2.0  # the changing article is uploaded again this long after each upload
MAX_GROWTH = 0.10


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _start(work: Path) -> tuple[subprocess.Popen[str], str]:
    shutil.copytree(REPO / "corpus", work / "corpus")
    try:
        proc, url = serve_askcases(
            work / "corpus",
            work / "index",
            env={"ASKCASES_HOST": "127.0.0.1"},
            log=work / "serve.log",
            seconds=600,
        )
    except ServerStartError as exc:
        raise SystemExit(f"askcases serve did not start: {exc}") from None
    return proc, url


def grounding_problem(answer: dict[str, Any], texts: dict[str, str]) -> str | None:
    """Why an answer is not grounded in its citations; None when it is."""
    if answer.get("error"):
        return f"error: {answer['error']}"
    if answer.get("refused"):
        return None
    if not answer.get("citations"):
        return "an answer without citations"
    for c in answer["citations"]:
        if c["doc_id"] == "load-changing":
            continue  # the article being re-uploaded: its text changes under the load
        text = texts.get(c["doc_id"])
        if text is None:
            return f"cites {c['doc_id']}, which is not in the corpus"
        if text[c["start"] : c["end"]] != c["quote"]:
            return f"quote of {c['doc_id']} differs from the article at its offsets"
    grounding = answer.get("grounding") or {}
    if grounding.get("grounded_rate", 0.0) < 1.0 or grounding.get("unsupported_numbers"):
        return f"not grounded: {grounding}"
    return None


def _article_texts(corpus: Path) -> dict[str, str]:
    from askcases.ingest.articles import load_article

    return {p.stem: load_article(p).text for p in sorted(corpus.iterdir())}


def _changing_article(work: Path, n: int) -> Path:
    path = work / "upload" / "load-changing.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "Load-test clinic in Margate\n\n1 June 2024\n\n"
        f"The Margate community clinic saw {100 + n} patients in revision {n}.\n",
        encoding="utf-8",
    )
    return path


def run_load(url: str, work: Path, questions: list[str], users: int, each: int) -> dict[str, Any]:
    from gradio_client import Client, handle_file

    texts = _article_texts(REPO / "corpus")
    latencies: list[float] = []
    problems: list[str] = []
    lock = threading.Lock()
    done = threading.Event()
    reindexed = 0

    def user(n: int) -> None:
        client = Client(url, verbose=False)
        mine = random.Random(n).sample(questions, each)
        for question in mine:
            started = time.perf_counter()
            try:
                answer = client.predict(question, api_name="/ask")
                problem = grounding_problem(answer, texts)
            except Exception as exc:  # the load test counts every failure
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if problem:
                    problems.append(f"{question[:60]!r}: {problem}")

    def reindexer() -> None:
        nonlocal reindexed
        admin = Client(url, verbose=False)
        while not done.is_set():
            path = _changing_article(work, reindexed)
            status = str(admin.predict([handle_file(str(path))], api_name="/add_articles"))
            if "changing.txt" not in status or not ("added 1" in status or "updated 1" in status):
                with lock:
                    problems.append(f"re-index: {status}")
            reindexed += 1
            done.wait(REINDEX_EVERY_S)

    indexer = threading.Thread(target=reindexer)
    started = time.perf_counter()
    indexer.start()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    done.set()
    indexer.join()
    wall = time.perf_counter() - started
    return {
        "users": users,
        "questions_each": each,
        "requests": len(latencies),
        "errors_or_ungrounded": len(problems),
        "problems": problems[:20],
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies), 1),
        "throughput_per_s": round(len(latencies) / wall, 2),
        "article_reindexed_times": reindexed,
        "wall_s": round(wall, 1),
    }


def run_soak(url: str, pid: int, questions: list[str], minutes: float) -> dict[str, Any]:
    from gradio_client import Client

    stop_at = time.monotonic() + minutes * 60
    errors = 0
    asked = 0
    lock = threading.Lock()

    def user(n: int) -> None:
        nonlocal errors, asked
        client = Client(url, verbose=False)
        rng = random.Random(100 + n)
        while time.monotonic() < stop_at:
            try:
                answer = client.predict(rng.choice(questions), api_name="/ask")
                failed = bool(answer.get("error"))
            except Exception:
                failed = True
            with lock:
                asked += 1
                errors += failed

    samples: list[tuple[float, float]] = []
    threads = [threading.Thread(target=user, args=(n,)) for n in range(SOAK_USERS)]
    started = time.monotonic()
    for t in threads:
        t.start()
    while time.monotonic() < stop_at:
        samples.append((round(time.monotonic() - started, 1), round(_rss_mib(pid), 1)))
        print(f"  soak {samples[-1][0]:.0f} s: RSS {samples[-1][1]} MiB", file=sys.stderr)
        time.sleep(10)
    for t in threads:
        t.join()
    samples.append((round(time.monotonic() - started, 1), round(_rss_mib(pid), 1)))
    baseline = next((rss for when, rss in samples if when >= 60), samples[0][1])
    final = samples[-1][1]
    return {
        "minutes": minutes,
        "users": SOAK_USERS,
        "requests": asked,
        "errors": errors,
        "rss_after_1_min_mib": baseline,
        "rss_end_mib": final,
        "rss_max_mib": max(rss for _, rss in samples),
        "growth": round(final / baseline - 1, 4),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="askcases load test and soak, on loopback")
    parser.add_argument("--soak-minutes", type=float, default=10.0)
    parser.add_argument("--users", type=int, default=USERS)
    parser.add_argument("--questions", type=int, default=QUESTIONS_EACH, help="per user")
    args = parser.parse_args()
    questions = [q["question"] for q in load_questions(default_questions_file())]
    result: dict[str, Any] = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    with tempfile.TemporaryDirectory(prefix="askcases-load-") as tmp:
        work = Path(tmp)
        print("starting askcases serve (indexing a copy of corpus/) ...", file=sys.stderr)
        proc, url = _start(work)
        try:
            print(f"load: {args.users} users x {args.questions} questions ...", file=sys.stderr)
            result["load"] = run_load(url, work, questions, args.users, args.questions)
            print(json.dumps(result["load"], indent=1), file=sys.stderr)
            if args.soak_minutes > 0:
                print(f"soak: {args.soak_minutes} minutes ...", file=sys.stderr)
                result["soak"] = run_soak(url, proc.pid, questions, args.soak_minutes)
        finally:
            stop(proc)
            log = (work / "serve.log").read_text(errors="replace")
            result["server_tracebacks"] = log.count("Traceback")
    (REPO / "eval" / "load.json").write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    load, soak = result["load"], result.get("soak")
    print(
        f"load: {load['requests']} requests from {load['users']} users, "
        f"{load['errors_or_ungrounded']} errors or ungrounded answers, p50 {load['p50_ms']} ms, "
        f"p95 {load['p95_ms']} ms, {load['throughput_per_s']}/s; the article was re-indexed "
        f"{load['article_reindexed_times']} times meanwhile"
    )
    if soak:
        print(
            f"soak: {soak['requests']} requests in {soak['minutes']} min, {soak['errors']} "
            f"errors; RSS {soak['rss_after_1_min_mib']} MiB after 1 min, {soak['rss_end_mib']} "
            f"MiB at the end ({soak['growth']:+.1%})"
        )
    failed = load["errors_or_ungrounded"] > 0 or result["server_tracebacks"] > 0
    if soak:
        failed = failed or soak["errors"] > 0 or soak["growth"] > MAX_GROWTH
    if failed:
        raise SystemExit("load test failed: see eval/load.json")


if __name__ == "__main__":
    main()
