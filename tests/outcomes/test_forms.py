from pathlib import Path

import pytest

from askcases.evaluation.outcomes import load_gold, score_outcomes
from askcases.ingest.articles import corpus_files, load_article
from askcases.outcomes.extract import extract_outcomes
from askcases.outcomes.forms import find_figures
from askcases.types import Article

EVAL = Path(__file__).resolve().parents[2] / "eval"


def _article(body: str, doc_id: str = "doc") -> Article:
    text = "Headline of the piece\n" + body
    return Article(doc_id, "Headline of the piece", None, text, "h", f"{doc_id}.txt")


def _rows(body: str, doc_id: str = "doc") -> list[tuple[str, str, str, str, str]]:
    rows = extract_outcomes(_article(body, doc_id))
    return [(o.measure, o.value, o.before, o.after, o.direction) for o in rows]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "The service cost £210,000 a year to run, giving a net saving of about £240,000.",
            [
                ("running cost", "£210,000", "", "", ""),
                ("cost saving", "£240,000", "", "", "decrease"),
            ],
        ),
        (
            "Readmissions to hospital within 30 days dropped by 15%.",
            [("readmissions", "15%", "", "", "decrease")],
        ),
        (
            "| Measure | 2019-20 | 2020-21 |\n| Average bed days per admission | 14 | 11 |",
            [("hospital stay", "11 days", "14 days", "11 days", "decrease")],
        ),
        (
            "Each visit costs £14, compared with an estimated £39 in clinic.",
            [("cost per visit", "£14", "£39", "£14", "decrease")],
        ),
        (
            "A team of 23 therapists and nurses supported 412 patients in its first year.",
            [("staff", "23", "", "", ""), ("patients seen", "412", "", "", "")],
        ),
        (
            "The number of people moving into care homes in a crisis halved.",
            [("crisis", "50%", "", "", "decrease")],
        ),
        (
            "96% of patients rated the service good or very good.",
            [("patient satisfaction", "96%", "", "", "")],
        ),
    ],
)
def test_a_figure_is_read_by_its_form_and_named_by_the_words_nearest_it(
    body: str, expected: list[tuple[str, str, str, str, str]]
) -> None:
    assert _rows(body) == expected


def test_shares_in_words_and_pairs_in_miles_are_read() -> None:
    assert _rows("Nine in ten parents said they felt more confident.")[0][1] == "9 in 10"
    trip = _rows("The round trip for a check-up has been cut from 38 miles to 6 miles.")
    assert trip[0][1:4] == ("6 miles", "38 miles", "6 miles")


@pytest.mark.parametrize(
    "body",
    [
        "The pilot ran from 2019 to 2021.",
        "Admissions totalled 1,200 in 2021.",
        "The hub is open from 9 to 5.",
        "It serves adults aged from 18 to 65.",
        "| Measure | 2019 | 2020 |",
    ],
)
def test_years_ages_and_opening_hours_are_no_pair_or_share(body: str) -> None:
    assert _rows(body) == []


def test_units_and_cues_name_a_change_the_way_staff_would() -> None:
    assert _rows("Waits fell from 2 hours to 90 minutes.") == [
        ("waiting time", "90 minutes", "2 hours", "90 minutes", "decrease")
    ]
    assert _rows("Emergency admissions fell from 300 to 200.")[0][0] == "emergency admissions"
    assert _rows("Waits were cut by 40%.")[0][:2] == ("waiting time", "40%")
    assert _rows("The clinic saved £1.5k.")[0][1] == "£1,500"
    assert _rows("| GPs | 12 |")[0][:2] == ("staff", "12")


def test_the_place_is_the_datelines_or_the_boroughs_not_the_trusts() -> None:
    body = (
        "KELSTON, 12 March 2024 - A service run by Ridgeway Community Healthcare NHS Trust "
        "has grown.\nRidgeway Community Healthcare NHS Trust saved £40,000 in its first year."
    )
    assert [o.place for o in extract_outcomes(_article(body))] == ["Kelston"]
    boroughs = "The line serves the three boroughs of Ashcombe, Fennick and Stowley.\n"
    rows = extract_outcomes(_article(boroughs + "It saved £12,000 a year."))
    assert [o.place for o in rows] == ["Ashcombe, Fennick and Stowley"]


def test_dates_ages_times_and_phone_numbers_are_no_result() -> None:
    body = (
        "Since 2 January 2018 the clinic has been open from 8am to 6pm, six days a week. "
        'Patient Derek Folan, 74, said: "It was quick." Call 0300 123 4567 or visit Ward 7 '
        "at 24-hour reception."
    )
    assert _rows(body) == []
    assert find_figures("In 2017 it moved 20 miles away.") == []


@pytest.mark.parametrize(
    ("folder", "least"),
    [
        ("tuning-articles", 0.9),
        ("tuning-articles-2", 0.9),
        ("tuning-articles-3", 0.8),
        ("tuning-articles-4", 0.75),
        ("tuning-articles-5", 0.65),
        ("tuning-articles-6", 0.45),
    ],
)
def test_the_tuning_articles_figures_are_found(folder: str, least: float) -> None:
    predicted = [
        o
        for p in corpus_files(EVAL / folder)
        if p.suffix != ".jsonl"
        for o in extract_outcomes(load_article(p))
    ]
    scores = score_outcomes(predicted, load_gold(EVAL / folder / "outcomes.jsonl"))
    assert scores["figures"]["precision"] >= least and scores["figures"]["recall"] >= least


def test_a_results_tables_change_column_and_a_first_figures_time_are_read() -> None:
    from askcases.outcomes.forms import table_figure, table_row

    line = "| Emergency admissions | 1,136 | 874 | -23% |"
    cells = table_row(line)
    assert cells is not None
    figure = table_figure(line, cells)
    assert figure is not None and (figure.value, figure.before, figure.after) == (
        "23%",
        "1,136",
        "874",
    )
    pair = find_figures("Missed appointments fell from 18% in our first three months to 7%.")
    assert [(f.kind, f.before, f.after) for f in pair] == [("pair", "18%", "7%")]
    monthly = find_figures("Referrals fell by more than two thirds, from 88 a month to 26.")
    assert [(f.kind, f.before, f.after) for f in monthly] == [("pair", "88", "26")]


def test_a_table_number_and_the_ten_of_nine_in_ten_count_nothing() -> None:
    assert find_figures("As Table 1 shows, admissions fell.") == []
    assert all(f.value != "10" for f in find_figures("Nine in ten parents (92%) felt confident."))
