import csv
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CountingEmbeddings

from askcases.app.cli import main
from askcases.app.feedback import FeedbackStore
from askcases.app.library import add_uploads, list_articles, read_article, remove_article
from askcases.app.users import add_user, authenticate, check_password, hash_password, read_users
from askcases.config import Settings
from askcases.errors import UsageError
from askcases.ingest.articles import safe_name
from askcases.store.index_store import IndexStore


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("notes.txt", "notes.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\\\windows\\\\evil.md", "evil.md"),
        (".hidden.html", "hidden.html"),
        ("Plymouth case (final) £.PDF", "Plymouth case -final.pdf"),
    ],
)
def test_upload_names_cannot_leave_the_corpus(uploaded: str, stored: str) -> None:
    assert safe_name(uploaded) == stored


def test_a_name_with_nothing_usable_is_refused() -> None:
    with pytest.raises(UsageError):
        safe_name("../..")


def test_uploads_are_checked_then_indexed_and_removal_syncs(
    fresh_corpus: Settings, tmp_path: Path
) -> None:
    spy = CountingEmbeddings()
    store = IndexStore(fresh_corpus, spy)
    good = tmp_path / "upload1"
    good.mkdir()
    (good / "exeter-leg-ulcers.txt").write_text(
        "Leg ulcer clinics\n\nExeter treated 350 patients.\n", "utf-8"
    )
    (good / "photo.txt").write_bytes(b"\x00\x01binary")
    (good / "slides.pptx").write_bytes(b"PK")
    big = fresh_corpus.replace(max_upload_mb=0)
    result = add_uploads(fresh_corpus, spy, [(p.name, p) for p in sorted(good.iterdir())])
    assert result.added == ["exeter-leg-ulcers.txt"]
    assert [r.split(":")[0] for r in result.rejected] == ["photo.txt", "slides.pptx"]
    assert result.report is not None and result.report.added == 6
    assert "exeter-leg-ulcers" in {a.doc_id for a in list_articles(store)}
    article, current = read_article(fresh_corpus, store, "exeter-leg-ulcers")
    assert current and "350 patients" in article.text
    too_big = add_uploads(big, spy, [("exeter-leg-ulcers.txt", good / "exeter-leg-ulcers.txt")])
    assert "larger than the 0 MB limit" in too_big.rejected[0]
    report = remove_article(fresh_corpus, spy, store, "exeter-leg-ulcers")
    assert report.removed == 1
    assert not (fresh_corpus.corpus_dir / "exeter-leg-ulcers.txt").exists()
    with pytest.raises(UsageError, match="no article"):
        remove_article(fresh_corpus, spy, store, "exeter-leg-ulcers")


def test_passwords_are_salted_and_checked() -> None:
    first, second = hash_password("correct horse"), hash_password("correct horse")
    assert first != second and first.startswith("$argon2id$")
    assert check_password("correct horse", first) and not check_password("wrong", first)


def test_adduser_writes_a_users_file_that_signs_in(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    result = CliRunner().invoke(
        main,
        ["adduser", "ada", "--role", "admin", "--password", "long-enough", "--users", str(users)],
    )
    assert result.exit_code == 0, result.output
    add_user(users, "eve", "editor", "also-long-enough")
    table = read_users(users)
    assert {n: r for n, (r, _) in table.items()} == {"ada": "admin", "eve": "editor"}
    assert authenticate(table, "ada", "long-enough") and not authenticate(table, "ada", "nope")
    assert "long-enough" not in users.read_text()
    short = CliRunner().invoke(
        main, ["adduser", "bob", "--role", "editor", "--password", "x", "--users", str(users)]
    )
    assert short.exit_code == 2 and "at least 8 characters" in short.output


def test_adduser_asks_for_the_password_when_not_given(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    result = CliRunner().invoke(
        main,
        ["adduser", "ada", "--role", "admin", "--users", str(users)],
        input="typed-password\ntyped-password\n",
    )
    assert result.exit_code == 0, result.output
    assert authenticate(read_users(users), "ada", "typed-password")


def test_feedback_export_holds_each_verdict(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path)
    answer = {
        "question": "Q?",
        "answer": "A. [1]",
        "backend": "extractive",
        "citations": [{"n": 1, "doc_id": "d"}],
    }
    store.record(answer, 1, "good", "ada")
    store.record(answer, -1, "", "")
    with pytest.raises(UsageError):
        store.record({}, 1)
    out = tmp_path / "f.csv"
    result = CliRunner().invoke(main, ["feedback", "--csv", str(out), "--index", str(tmp_path)])
    assert result.exit_code == 0 and "wrote 2 feedback rows" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["rating"], r["comment"], r["username"]) for r in rows] == [
        ("1", "good", "ada"),
        ("-1", "", ""),
    ]
    assert '"doc_id": "d"' in rows[0]["citations"]
    assert store.path.name == "feedback.sqlite3"
