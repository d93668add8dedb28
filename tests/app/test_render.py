"""What a person is shown of an answer: markup in articles and answers stays text."""

import re

from askcases.app.render import AnswerView, answer_markdown, answer_text, as_text, source_labels


def test_rendered_answer_shows_markup_as_text() -> None:
    answer = {
        "answer": "It said <script>alert(1)</script> **loudly** [1]",
        "citations": [
            {
                "n": 1,
                "title": "T <img src=x onerror=alert(1)>",
                "date": None,
                "doc_id": "d",
                "start": 0,
                "end": 5,
                "quote": "<b>x</b>",
            }
        ],
    }
    shown = answer_markdown(AnswerView.from_json(answer))
    assert "<" not in shown and ">" not in shown.replace("\n> ", "\n")
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in shown
    assert as_text("a*b* [1]") == "a\\*b\\* \\[1\\]"


def test_terminal_and_markdown_show_the_same_sources_and_warnings() -> None:
    answer = {
        "question": "and how much?",
        "resolved_question": "and how much (Wigan stroke)?",
        "answer": "Wigan saved £9m a year. [1]",
        "citations": [
            {
                "n": 1,
                "title": "GP-led services",
                "date": "2012-03-01",
                "doc_id": "gp",
                "start": 3,
                "end": 40,
                "quote": "saving £700,000 per year",
            }
        ],
        "grounding": {
            "sentences": [
                {
                    "text": "Wigan saved £9m a year.",
                    "citations": [1],
                    "supported": False,
                    "score": 0.4,
                    "unsupported_numbers": ["£9m"],
                }
            ],
            "grounded_rate": 0.0,
            "unsupported_numbers": ["£9m"],
        },
    }
    view = AnswerView.from_json(answer)
    text, markdown = answer_text(view), answer_markdown(view)
    assert "(read as: and how much (Wigan stroke)?)" in text
    assert re.search(r"GP-led services, 1 March 2012, \d+ years ago \(gp\)", text)
    assert "Read as: and how much \\(Wigan stroke\\)?" in markdown
    assert "GP\\-led services, 1 March 2012, " in markdown
    for shown in (text, markdown):
        assert "£9m" in shown and "saving £700,000 per year" in shown
    assert "⚠ not supported by its citations (numbers not in the cited passages: £9m)" in text
    assert "Not supported by its citations" in markdown


def test_a_refusal_lists_its_closest_passages_as_not_an_answer() -> None:
    near = {
        "n": 1,
        "title": "Community DVT service",
        "date": "2020-03-03",
        "doc_id": "bnssg",
        "start": 10,
        "end": 60,
        "quote": "The centres are run by GP Care",
    }
    view = AnswerView.from_json(
        {
            "question": "Who runs clot clinics in Leeds?",
            "answer": "The case studies don't say. The closest passages, none of which answers "
            "it, are about: Community DVT service [1].",
            "refused": True,
            "citations": [],
            "nearest": [near],
        }
    )
    assert "Closest passages (not an answer):" in answer_text(view)
    assert re.search(
        r"\[1\] Community DVT service, 3 March 2020, \d+ years ago \(bnssg\)", answer_text(view)
    )
    assert "none of them answers the question" in answer_markdown(view)
    [label] = [label for label, _ in source_labels(view)]
    assert label.startswith("[1] Community DVT service, 3 March 2020, ")
    assert label.endswith("years ago · bnssg · not an answer")
