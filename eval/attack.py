"""A wider attack campaign on askcases, on loopback and bounded: `make attack`.

1. hostile files: at least 500 generated files (truncated, huge and scripted PDFs, one-line
   10 MB HTML, deep nesting, odd encodings, names with newlines, unicode or "..", symlink loops,
   a directory named like an article, binary, empty, escape sequences) put into a corpus beside
   the five real articles and indexed, and imported with `askcases index PATH...`. A file
   survives when it is indexed or reported by name and skipped, the run ends without a
   traceback, the index agrees document by document, and the real articles still answer.
2. properties: the hypothesis tests of tests/properties, 2,000 examples each.
3. kills: SIGKILLs of `askcases index` at random moments after it has begun changing the index
   (its run mark is written) while articles are added, replaced and removed, until 190 have
   landed before the run finished, and of `askcases serve` during an upload; after each, the
   next run repairs and vectors, keyword index and manifest must agree document by document,
   and (every tenth kill and at the end) every article must still be found by its title.
4. concurrency: 50 API users ask while an admin uploads and removes an article through the
   API: no request may fail, and no answer asked after a removal returned may cite the removed
   article.
5. names: 300 places whose names share a long prefix, each question cited from its own article.

Prints a table (tried / survived / lost) and writes eval/attack.json. Exits 1 when anything
is lost.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from askcases.app.servers import kill_while_indexing, serve_askcases, stop
from askcases.config import Settings, load_settings, project_root
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.assistant import Assistant
from askcases.store.index_store import IndexStore
from askcases.store.manifest import MANIFEST, RUN_MARK
from askcases.store.sync import sync_index

REPO = project_root()
WIGAN = ("How much did Wigan save a year?", "£700,000")
NEW_ARTICLE = (
    "Exeter leg ulcer clinics\n\n12 January 2023\n\nExeter's clinics treated 350 patients.\n"
)


def _settings(root: Path) -> Settings:
    return load_settings(environ={}, corpus_dir=root / "corpus", index_dir=root / "index")


def _index(root: Path, *paths: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "askcases", "index", "--quiet"]
    command += ["--corpus", str(root / "corpus"), "--index", str(root / "index"), *paths]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def consistent(settings: Settings, embeddings: MiniLMEmbeddings) -> str:
    """ "" when vectors, keyword index and manifest agree document by document, else why not."""
    manifest = json.loads((settings.index_dir / MANIFEST).read_text(encoding="utf-8"))
    if (settings.index_dir / RUN_MARK).exists():
        return "the run mark is still there"
    store = IndexStore(settings, embeddings)
    dense, keyword = store.chunk_ids(), store.keywords.chunk_ids()
    for doc_id, entry in manifest["documents"].items():
        expected = {f"{doc_id}#{n}" for n in range(int(entry["chunks"]))}
        if dense.get(doc_id) != expected or keyword.get(doc_id) != expected:
            return f"{doc_id}: chunks differ between vectors, keyword index and manifest"
    extra = (set(dense) | set(keyword)) - set(manifest["documents"])
    return f"chunks of unlisted documents: {sorted(extra)[:3]}" if extra else ""


def every_article_found(settings: Settings, embeddings: MiniLMEmbeddings) -> str:
    """ "" when each indexed article with a title of its own is among the passages found for
    that title (many hostile files share one title and one text)."""
    assistant = Assistant(settings, embeddings)
    articles = assistant.store.articles()
    titles = [a.title for a in articles]
    for article in articles:
        if titles.count(article.title) > 1:
            continue
        passages, _ = assistant.passages(assistant.read(article.title), 10, None)
        if article.doc_id not in {p.doc_id for p in passages}:
            return f"{article.doc_id} is not found by its title"
    return ""


# -- 1. hostile files ---------------------------------------------------------------------


def _pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 10, text)
    return bytes(pdf.output())


JS_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"4 0 obj<</S/JavaScript/JS(app.alert('x'))>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def hostile_files(folder: Path, rng: random.Random) -> list[str]:
    """Write the hostile files into `folder`; their names (as os.listdir gives them)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "Hostile clinic\n\n3 March 2020\n\nThe clinic in Hostleton saw 40 patients.\n"
    good_pdf = _pdf(text.replace("\n", " "))
    made: dict[str, bytes | None] = {}
    for n in range(25):
        made[f"truncated-{n}.pdf"] = good_pdf[: rng.randint(1, len(good_pdf) - 1)]
        made[f"scripted-{n}.pdf"] = JS_PDF.replace(b"'x'", f"'{n}'".encode())
        made[f"not-a-pdf-{n}.pdf"] = os.urandom(rng.randint(10, 5000))
        made[f"zip-as-pdf-{n}.pdf"] = b"PK\x03\x04" + os.urandom(2000)
        made[f"nested-{n}.html"] = (
            "<div>" * (2000 + 100 * n) + "Deep text about clinics." + "</div>" * 2000
        ).encode()
        made[f"script-{n}.html"] = (
            f"<html><body><script>alert({n})</script><h1>Clinic {n}</h1>"
            f"<p onclick='x()'>The clinic saw {n} patients.</p><iframe src='x'></iframe>"
            "</body></html>"
        ).encode()
        made[f"utf16-{n}.txt"] = ("\ufeff" + text).encode("utf-16-le")
        made[f"utf16be-{n}.txt"] = text.encode("utf-16")
        made[f"utf32-{n}.txt"] = text.encode("utf-32")
        made[f"latin1-{n}.txt"] = (text + "Caf\xe9 na\xefve £5\n").encode("latin-1")
        made[f"invalid-utf8-{n}.txt"] = text.encode() + b"\xff\xfe\xc3(" + os.urandom(30)
        made[f"binary-{n}.txt"] = os.urandom(4096)
        made[f"nul-{n}.md"] = text.encode() + b"\x00" * 50
        made[f"empty-{n}.txt"] = b""
        made[f"spaces-{n}.md"] = b" \n\t\n" * n
        made[f"escapes-{n}.txt"] = (text + "\x1b[31mred\x1b[0m \x07 bell\n").encode()
        made[f"crlf-{n}.md"] = text.replace("\n", "\r\n").encode()
        made[f"unicode-名前-{n}-\u202etxt.md"] = text.encode()
        made[f"emoji-🩺-{n}.txt"] = text.encode()
        made[f"-dash-{n}.txt"] = text.encode()
        made[f"unsupported-{n}.exe"] = b"MZ" + os.urandom(100)
        made[f"markdown-html-{n}.md"] = f"# Title {n}\n\n<script>x()</script>\n\n{text}".encode()
        made[f"long-line-{n}.txt"] = ("word " * 4_000 * (1 + n % 3)).encode()
    made["name\nwith-newline.txt"] = text.encode()
    made["name\rwith-return.txt"] = text.encode()
    made["..hidden-dots.txt"] = text.encode()
    made["." + "x" * 200 + ".txt"] = text.encode()
    made["y" * 250 + ".txt"] = text.encode()
    for n in range(1):
        made[f"one-line-10mb-{n}.html"] = ("<p>" + "clinic " * (10 * 2**20 // 7) + "</p>").encode()
    made["huge-21mb.pdf"] = b"%PDF-1.4\n" + b" " * (21 * 2**20)
    for name, data in made.items():
        if data is not None:
            (folder / name).write_bytes(data)
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    (folder / "outside.txt").symlink_to("/etc/passwd")
    (folder / "a-directory.txt").mkdir()
    (folder / "a-directory.txt" / "inside.txt").write_text(text, encoding="utf-8")
    return sorted(os.listdir(folder))


def attack_files(work: Path, embeddings: MiniLMEmbeddings, rng: random.Random) -> dict[str, Any]:
    root = work / "files"
    shutil.copytree(REPO / "corpus", root / "corpus")
    names = hostile_files(root / "corpus", rng)
    started = time.monotonic()
    run = _index(root)
    lost = []
    if run.returncode != 0 or "Traceback" in run.stderr:
        lost.append(f"askcases index: exit {run.returncode}: {run.stderr[-300:]}")
    settings = _settings(root)
    indexed = set(json.loads((root / "index" / MANIFEST).read_text("utf-8"))["documents"])
    reported = run.stderr
    for name in names:
        stem = Path(name).stem
        shown = name.replace("\n", " ").replace("\r", " ")
        if stem not in indexed and shown[:40] not in reported and name[:40] not in reported:
            lost.append(f"{shown[:60]}: neither indexed nor reported")
    why = consistent(settings, embeddings) or every_article_found(settings, embeddings)
    answer = Assistant(settings, embeddings).ask(WIGAN[0])
    if why or WIGAN[1] not in answer.answer:
        lost.append(f"index after hostile files: {why or 'Wigan no longer answered'}")
    # The same files imported with `askcases index PATH...` into another corpus.
    other = work / "import"
    shutil.copytree(REPO / "corpus", other / "corpus")
    paths = [str(root / "corpus" / n) for n in names]
    imported = _index(other, *paths)
    if imported.returncode != 0 or "Traceback" in imported.stderr:
        lost.append(f"askcases index PATH...: exit {imported.returncode}")
    outside = [
        p
        for p in (other / "corpus").iterdir()
        if p.resolve().parent != (other / "corpus").resolve()
    ]
    if outside:
        lost.append(f"an import left the corpus: {outside[:2]}")
    return {
        "tried": len(names) * 2,
        "lost": lost,
        "indexed": len(indexed) - 5,
        "seconds": round(time.monotonic() - started, 1),
    }


# -- 2. properties ------------------------------------------------------------------------


def _pytest(target: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    """Run one test file or folder: (tests run, what failed)."""
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(REPO / target)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=1800,
    )
    counts = [re.search(rf"(\d+) {word}", run.stdout) for word in ("passed", "failed")]
    tests = sum(int(found.group(1)) for found in counts if found)
    return tests, ([] if run.returncode == 0 else [run.stdout[-800:]])


def attack_properties() -> dict[str, Any]:
    started = time.monotonic()
    tests, lost = _pytest("tests/properties", {"HYPOTHESIS_PROFILE": "attack"})
    return {"tried": tests * 2000, "lost": lost, "seconds": round(time.monotonic() - started, 1)}


# -- 3. kills -----------------------------------------------------------------------------


def _variant(corpus: Path, n: int, rng: random.Random) -> None:
    """Add, replace or remove articles: the changes the killed run was making."""
    extra = corpus / f"extra-{n % 7}.txt"
    choice = rng.random()
    if choice < 0.4:
        extra.write_text(NEW_ARTICLE.replace("350", str(n)), encoding="utf-8")
    elif choice < 0.7:
        for path in sorted(corpus.glob("extra-*.txt"))[:2]:
            path.unlink()
    else:
        real = corpus / "gp-led-health-services-benefits.txt"
        real.write_text(real.read_text("utf-8") + f"\nRevision {n}.\n", encoding="utf-8")


def attack_kills(
    work: Path, embeddings: MiniLMEmbeddings, rng: random.Random, kills: int, server_kills: int
) -> dict[str, Any]:
    """`kills` SIGKILLs that land while `askcases index` is changing the index, then
    `server_kills` of `askcases serve` during an upload. A kill that comes after its run had
    already finished is sent again on a new run (at most twice as many runs in all)."""
    root = work / "kills"
    shutil.copytree(REPO / "corpus", root / "corpus")
    settings = _settings(root)
    started = time.monotonic()
    first = _index(root)
    lost = [] if first.returncode == 0 else [f"first index run failed: {first.stderr[-300:]}"]
    working = 2.0  # seconds a run spends changing the index; learnt from runs that finish
    landed = sent = 0
    while landed < kills and sent < 2 * kills:
        n = sent
        sent += 1
        _variant(root / "corpus", n, rng)
        command = [sys.executable, "-m", "askcases", "index", "--quiet"]
        command += ["--corpus", str(root / "corpus"), "--index", str(root / "index")]
        hit, seconds = kill_while_indexing(command, root / "index", rng, working)
        if not hit:
            working = max(0.2, 0.8 * seconds)
            continue
        landed += 1
        working *= 1.05  # reach later moments too, until a run finishes before its kill
        if landed % 4 == 0:
            continue  # the next run is killed too before anything repairs it
        sync_index(settings, embeddings, quiet=True)
        why = consistent(settings, embeddings)
        if not why and landed % 10 == 9:
            why = every_article_found(settings, embeddings)
        if why:
            lost.append(f"kill {n}: {why}")
    from gradio_client import Client, handle_file

    upload = work / "exeter-leg-ulcers.txt"
    server_landed = 0
    for n in range(server_kills):
        upload.write_text(NEW_ARTICLE.replace("350", str(1000 + n)), encoding="utf-8")
        proc, url = serve_askcases(root / "corpus", root / "index", seconds=300)
        client = Client(url, verbose=False)
        job = client.submit([handle_file(str(upload))], api_name="/add_articles")
        time.sleep(rng.uniform(0.2, 3.0))
        proc.send_signal(signal.SIGKILL)
        server_landed += proc.wait(timeout=60) == -signal.SIGKILL
        del job
        sync_index(settings, embeddings, quiet=True)
        why = consistent(settings, embeddings) or every_article_found(settings, embeddings)
        if why:
            lost.append(f"server kill {n}: {why}")
    sync_index(settings, embeddings, quiet=True)
    why = consistent(settings, embeddings) or every_article_found(settings, embeddings)
    if why:
        lost.append(f"at the end: {why}")
    return {
        "tried": landed + server_landed,
        "lost": lost,
        "index_kills_sent": sent,
        "index_kills_mid_run": landed,
        "server_kills_mid_upload": server_landed,
        "seconds": round(time.monotonic() - started, 1),
    }


# -- 4. concurrency -----------------------------------------------------------------------


def attack_concurrency(work: Path, users: int, rng: random.Random) -> dict[str, Any]:
    from gradio_client import Client, handle_file

    root = work / "concurrency"
    shutil.copytree(REPO / "corpus", root / "corpus")
    started = time.monotonic()
    proc, url = serve_askcases(root / "corpus", root / "index", seconds=600)
    removed_at: list[tuple[float, float]] = []  # (removal returned, next upload began)
    stop_admin = threading.Event()
    lost: list[str] = []
    upload = work / "exeter-leg-ulcers.txt"
    upload.write_text(NEW_ARTICLE, encoding="utf-8")

    def admin() -> None:
        client = Client(url, verbose=False)
        while not stop_admin.is_set():
            began = time.monotonic()
            if removed_at:
                removed_at[-1] = (removed_at[-1][0], began)
            client.predict([handle_file(str(upload))], api_name="/add_articles")
            time.sleep(0.5)
            client.predict("exeter-leg-ulcers", api_name="/remove_article")
            removed_at.append((time.monotonic(), float("inf")))
            time.sleep(0.5)

    questions = [
        "How many patients did the Exeter clinics treat?",
        WIGAN[0],
        "Who runs the DVT clinics in BNSSG?",
        "How many people in Plymouth have diabetes?",
    ]

    def user(n: int) -> list[tuple[float, float, dict[str, Any]]]:
        client = Client(url, verbose=False)
        out = []
        for question in rng.sample(questions, len(questions)):
            asked = time.monotonic()
            answer = client.predict(question, api_name="/ask")
            out.append((asked, time.monotonic(), answer))
        return out

    admin_thread = threading.Thread(target=admin)
    admin_thread.start()
    try:
        with ThreadPoolExecutor(max_workers=users) as pool:
            results = [r for batch in pool.map(user, range(users)) for r in batch]
    finally:
        stop_admin.set()
        admin_thread.join(timeout=120)
        stop(proc)
    for asked, answered, answer in results:
        if answer.get("error"):
            lost.append(f"error: {answer['error'][:100]}")
            continue
        cited = {c["doc_id"] for c in answer.get("citations", [])}
        # asked after a removal returned, and answered before the article was uploaded again
        gone = any(done <= asked and answered < back for done, back in removed_at)
        if gone and "exeter-leg-ulcers" in cited:
            lost.append("a removed article was cited after its removal returned")
    return {
        "tried": len(results),
        "lost": lost,
        "removals": len(removed_at),
        "seconds": round(time.monotonic() - started, 1),
    }


# -- 5. shared-prefix names -----------------------------------------------------------------


def attack_names() -> dict[str, Any]:
    started = time.monotonic()
    _, lost = _pytest("tests/qa/test_shared_prefix_names.py")
    return {"tried": 300, "lost": lost, "seconds": round(time.monotonic() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--kills", type=int, default=190, help="SIGKILLs of askcases index that land mid-run"
    )
    parser.add_argument("--server-kills", type=int, default=10, help="SIGKILLs of askcases serve")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", default="", help="Run only these steps (comma-separated).")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    rng = random.Random(args.seed)
    embeddings = MiniLMEmbeddings()
    work = Path(tempfile.mkdtemp(prefix="askcases-attack-"))
    table: dict[str, dict[str, Any]] = {}
    try:
        steps = {
            "hostile files": lambda: attack_files(work, embeddings, rng),
            "properties": attack_properties,
            "kills": lambda: attack_kills(work, embeddings, rng, args.kills, args.server_kills),
            "concurrent users": lambda: attack_concurrency(work, args.users, rng),
            "shared-prefix names": attack_names,
        }
        only = {n.strip() for n in args.only.split(",") if n.strip()}
        for name, step in steps.items():
            if only and name not in only:
                continue
            print(f"attack: {name} ...", file=sys.stderr, flush=True)
            table[name] = step()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{'attack':<22} {'tried':>7} {'survived':>9} {'lost':>5} {'seconds':>8}")
    for name, row in table.items():
        lost = len(row["lost"])
        print(
            f"{name:<22} {row['tried']:>7} {row['tried'] - lost:>9} {lost:>5} {row['seconds']:>8}"
        )
        details = [f"{k}={v}" for k, v in row.items() if k not in ("tried", "lost", "seconds")]
        if details:
            print(f"    {', '.join(details)}")
        for line in row["lost"][:5]:
            print(f"    lost: {line}")
    if not args.only:
        (REPO / "eval" / "attack.json").write_text(
            json.dumps(table, indent=1) + "\n", encoding="utf-8"
        )
    return 1 if any(row["lost"] for row in table.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
