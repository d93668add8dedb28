from pathlib import Path

import pytest

from askcases.evaluation.outcomes import load_gold, score_outcomes
from askcases.ingest.articles import corpus_files, load_article
from askcases.outcomes.extract import extract_outcomes
from askcases.outcomes.forms import find_figures, result_figures
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
        ("tuning-articles-5", 0.7),
        ("tuning-articles-6", 0.6),
        ("tuning-articles-7", 0.75),
        ("tuning-articles-8", 0.7),
        ("tuning-articles-9", 0.8),
        ("tuning-articles-10", 0.8),
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
    [figure] = table_figure(line, cells)
    assert (figure.value, figure.before, figure.after) == ("23%", "1,136", "874")
    pair = find_figures("Missed appointments fell from 18% in our first three months to 7%.")
    assert [(f.kind, f.before, f.after) for f in pair] == [("pair", "18%", "7%")]
    monthly = find_figures("Referrals fell by more than two thirds, from 88 a month to 26.")
    assert [(f.kind, f.before, f.after) for f in monthly] == [("pair", "88", "26")]


def test_a_table_number_and_the_ten_of_nine_in_ten_count_nothing() -> None:
    assert find_figures("As Table 1 shows, admissions fell.") == []
    assert all(f.value != "10" for f in find_figures("Nine in ten parents (92%) felt confident."))


def test_a_pair_with_its_periods_an_after_first_pair_and_an_average_are_read() -> None:
    years = find_figures("Amputations fell from 38 in 2021/22 to 24 in 2023/24.")
    assert [(f.kind, f.before, f.after) for f in years] == [("pair", "38", "24")]
    quarters = find_figures("Performance fell from 74% in Q1 to 71% in Q2 because of a vacancy.")
    assert [(f.kind, f.before, f.after) for f in quarters] == [("pair", "74%", "71%")]
    months = find_figures("The wait fell from 38 weeks in September 2022 to 6 weeks in March 2024.")
    assert [(f.kind, f.before, f.after) for f in months] == [("pair", "38 weeks", "6 weeks")]
    after_first = find_figures("The share on all four medicines improved to 57% from 52% in Q1.")
    assert [(f.before, f.after) for f in after_first if f.kind == "pair"] == [("52%", "57%")]
    assert _rows("The mean length of stay on the virtual ward in 2023/24 was 6.4 days.") == [
        ("hospital stay", "6.4 days", "", "", "")
    ]
    assert _rows("Median time from referral to first dose was 5 hours.") == [
        ("time from referral to first dose", "5 hours", "", "", "")
    ]
    assert _rows("Patients waited an average of 3 days for a routine appointment.") == [
        ("waiting time", "3 days", "", "", "")
    ]
    assert _rows("Median age was 81 years.") == []


def test_a_results_tables_target_column_is_a_figure_to_come_of_its_own() -> None:
    body = (
        "| Standard | Target | Result | Met? |\n"
        "|---|---|---|---|\n"
        "| Emergency readmission within 30 days | Below 10% | 8% | Yes |\n"
        "| Mean length of episode (weeks) | 6 weeks or less | 5.1 weeks | Yes |"
    )
    rows = extract_outcomes(_article(body))
    assert [(o.value, o.status) for o in rows] == [
        ("8%", "achieved"),
        ("10%", "projected"),
        ("5.1 weeks", "achieved"),
        ("6 weeks", "projected"),
    ]
    baseline = (
        "| Measure | Baseline 2021/22 | Plan 2023/24 | Achieved 2023/24 |\n"
        "|---|---|---|---|\n"
        "| Referrals received | 610 | 1,000 | 1,085 |"
    )
    rows = extract_outcomes(_article(baseline))
    assert [(o.value, o.before, o.status) for o in rows] == [
        ("1,085", "610", "achieved"),
        ("1,000", "", "projected"),
    ]


def test_numbers_in_words_and_pounds_in_words_are_read() -> None:
    assert [
        f.value for f in find_figures("Ninety-eight per cent said they would recommend us.")
    ] == ["98%"]
    assert [f.value for f in find_figures("Most get a first dose within twenty-four hours.")] == [
        "24 hours"
    ]
    assert [
        f.value
        for f in find_figures("It saved a reduction of two thousand three hundred bed days.")
    ] == ["2,300"]
    assert [f.value for f in find_figures("Funding of six hundred thousand pounds a year.")] == [
        "£600,000"
    ]
    assert [f.value for f in find_figures("Fatigue scores improve by about thirty percent.")] == [
        "30%"
    ]
    assert [f.value for f in find_figures("Children are seen within five working days.")] == [
        "5 working days"
    ]


def test_up_from_and_arrow_pairs_and_part_of_counts_are_read_and_years_are_not() -> None:
    up = find_figures(
        "Uptake among patients aged 65 and over stands at 72%, up from 68% last year."
    )
    assert [(f.kind, f.before, f.after) for f in up] == [("pair", "68%", "72%")]
    arrow = find_figures("Wait to see an MSK clinician (median): 16 days -> 3 days")
    assert [(f.kind, f.before, f.after) for f in arrow] == [("pair", "16 days", "3 days")]
    year = find_figures(
        "1,184 children were on the caseload at the end of March 2024, up from 960."
    )
    assert [(f.kind, f.value) for f in year] == [("count", "1,184")]
    mixed = find_figures("58% healed within 12 weeks, up from 32% before the hubs opened.")
    assert all(f.kind != "pair" for f in mixed)
    rows = extract_outcomes(_article("Falls accounted for 1,240 of the referrals."))
    assert [(o.measure, o.value) for o in rows] == [("referrals", "1,240")]
    # "of them": of what the sentence counted before
    them = find_figures(
        "The team identified 1,340 people with a fracture and assessed 1,065 of them."
    )
    assert [(f.value, f.noun) for f in them] == [("1,340", "people"), ("1,065", "people")]
    # a letter inside a name is no word of the phrase's length ("hepatitis C")
    nurses = find_figures("The team has four hepatitis C specialist nurses.")
    assert nurses[0].noun == "hepatitis C specialist nurses"
    assert _rows("9 out of 10 people in England will benefit.") == []


def test_a_baseline_wait_beside_a_result_is_no_figure_of_its_own() -> None:
    rows = _rows(
        "Most new patients are now seen within 10 working days of referral, compared with a "
        "wait of around six weeks under the old follow-up clinic."
    )
    assert [r[1] for r in rows] == ["10 working days"]


def test_targets_counts_changes_and_parts_of_a_whole_are_read() -> None:
    before_launch = find_figures("The wait fell from 38 days before launch to 3 days.")
    assert [(f.kind, f.before, f.after) for f in before_launch] == [("pair", "38 days", "3 days")]
    now = find_figures("The wait had been fourteen weeks at one point, but was now six weeks.")
    assert [(f.kind, f.before, f.after) for f in now] == [("pair", "14 weeks", "6 weeks")]
    assert _rows("Hospital referrals fell by 1,930.") == [
        ("referrals", "1,930", "", "", "decrease")
    ]
    target = extract_outcomes(
        _article("The service aims to bring emergency heart failure admissions below 250 a year.")
    )
    assert [(o.value, o.status) for o in target] == [("250", "projected")]
    assert [f.value for f in find_figures("Roughly a third now come from ambulance crews.")] == [
        "33%"
    ]
    # "four further pharmacies", "two more nurses": an extension, read as no result
    assert _rows("The Committee supports its extension to four further pharmacies.") == []


@pytest.mark.parametrize(
    ("sentence", "values"),
    [
        (
            "Among patients with leg ulcers, 58% healed within 12 weeks, up from 32% before.",
            ["58%"],
        ),
        ("30-day readmission was 11.6% versus 21.7% in the comparator cohort.", ["11.6%"]),
        ("Home visits came within 48 hours in 92% of cases, against our target of 90%.", ["92%"]),
        ("The diagnosis rate is 56.8%, against the national ambition of 66.7%.", ["56.8%"]),
        ("Mean weight loss per episode was 4.2 kg (95% CI 3.7 to 4.7).", ["4.2"]),
        ("We reported 1,200 patients seen, but the correct figure is 1,020.", ["1,020"]),
        ("You can refer yourself back within 12 months without a GP.", []),
        ("7.9 DECISION: The Committee approved the extension.", []),
    ],
)
def test_what_a_result_is_set_against_or_corrects_is_no_figure_of_its_own(
    sentence: str, values: list[str]
) -> None:
    assert [f.value for f in result_figures(sentence)] == values


def test_a_figure_set_against_another_measure_is_still_read() -> None:
    saved = "Fewer admissions saved about £412,000, against an annual service cost of £286,000."
    assert [f.value for f in result_figures(saved)] == ["£412,000", "£286,000"]
    aged = _rows("The team sees children aged 2 to 16 and runs clinics from 12 noon to 7pm.")
    assert aged == []


def test_a_sentence_about_the_time_before_the_service_gives_no_result() -> None:
    before = "Before the clinic opened, people waited an average of 16 weeks to be seen."
    assert result_figures(before) == []
    assert [f.value for f in find_figures(before)] == ["16 weeks"]  # what it counts, to answers
    until = "Until 2022 the wait had been 14 weeks, but it is now 6 weeks."
    assert [(f.before, f.after) for f in result_figures(until)] == [("14 weeks", "6 weeks")]


def test_a_plain_text_tables_rows_and_a_labelled_lines_figure_are_read() -> None:
    from askcases.outcomes.extract import named_figures

    # a table with no outer bars, a cell's note in brackets: the after column is the result
    [wait] = named_figures("Median wait for wax removal   | 11 weeks (ENT)   | 8 days")
    assert (wait.figure.before, wait.figure.value) == ("11 weeks", "8 days")
    # a slide's line that is a label and a figure alone
    [referrals] = named_figures("Referrals received: 2,318")
    assert (referrals.figure.value, referrals.measure) == ("2,318", "referrals received")
    [stay] = named_figures("- Average length of stay: 8.5 days")
    assert stay.figure.value == "8.5 days"
    # a label that names no result gives no figure
    for line in ("Date: 2023", "Version: 2", "Slide: 4", "Base: 412", "Page: 12"):
        assert named_figures(line) == [], line


def test_a_row_of_quarters_gives_each_quarter_and_a_baseline_row_only_its_pair() -> None:
    from askcases.outcomes.extract import named_figures

    row = "| Referrals received | 1,912 | 2,047 | 2,231 |"
    quarters = named_figures(row, header="| Measure | Q1 | Q2 | Q3 |")
    assert sorted(n.figure.value for n in quarters) == ["1,912", "2,047", "2,231"]
    assert [n.figure.before for n in quarters if n.figure.kind == "pair"] == ["2,047"]
    baseline = named_figures(row, header="| Measure | Baseline (2020/21) | Year 1 | Year 2 |")
    assert [(n.figure.kind, n.figure.value) for n in baseline] == [("pair", "2,231")]


def test_an_intervals_bounds_a_pairs_points_and_a_tier_are_no_results() -> None:
    from askcases.outcomes.forms import results_only

    def values(sentence: str) -> list[str]:
        return [f.value for f in results_only(sentence, find_figures(sentence))]

    assert values("61% showed reliable improvement (95% CI 57% to 65%).") == ["61%"]
    assert values("Women seen within two weeks: 83%, up from 48% (+35 percentage points).") == [
        "83%"
    ]
    shares = "The access rate rose from 5.9% of births in the baseline year to 8.6% in year 2."
    assert [(f.kind, f.before, f.after) for f in find_figures(shares)] == [("pair", "5.9%", "8.6%")]
    assert values("Shape Up Sallowby is a tier 2 service for adults.") == []


def test_a_share_is_the_result_not_the_two_counts_it_is_made_of() -> None:
    values = [r[1] for r in _rows("312 of 4,318 referrals (7.2%) had to be retaken.")]
    assert values == ["7.2%"]
    surveyed = [r[1] for r in _rows("GPs: 58 of 71 GPs who responded (82%) rated it good.")]
    assert surveyed == ["82%"]
    # a count of some of a whole with no share beside it is still a result
    assert [r[1] for r in _rows("The clinic has treated 318 patients from the six practices.")]


def test_a_table_cells_dagger_or_section_mark_is_a_footnote() -> None:
    body = (
        "| Measure | 2022/23 | 2023/24 |\n| --- | --- | --- |\n"
        "| Minor amputations | 41 | 44‡ |\n| Annual foot checks | 72.4% | 81.9%§ |\n"
    )
    pairs = {(r[2], r[3]) for r in _rows(body)}
    assert ("41", "44") in pairs and ("72.4%", "81.9%") in pairs


@pytest.mark.parametrize(
    ("sentence", "noun"),
    [
        # a joined word before the rest leaves room for what is counted
        (
            "Four full-time alcohol liaison workers cover 11 GP practices.",
            "full-time alcohol liaison workers",
        ),
        ("Nurses made 2,300 follow-up calls to patients at home.", "follow-up calls"),
    ],
)
def test_a_count_names_the_thing_it_counts(sentence: str, noun: str) -> None:
    counts = [f for f in find_figures(sentence) if f.kind == "count"]
    assert counts and counts[0].noun == noun


def test_a_count_whose_noun_opens_with_an_acronym_and_shares_in_words_are_figures() -> None:
    hubs = find_figures("It opened at three GP-led hubs: Canal Street Health Centre.")
    assert [(f.kind, f.value, f.noun) for f in hubs] == [("count", "3", "GP-led hubs")]
    assert find_figures("Ward 7 is open.") == []  # a name, not a count
    shares = find_figures("486 women were referred, and more than three quarters of them set one.")
    assert ("share", "75%") in [(f.kind, f.value) for f in shares]
    assert [(f.kind, f.value) for f in find_figures("Two-thirds of patients improved.")] == [
        ("share", "67%")
    ]


def test_a_pair_whose_first_figure_is_told_when_it_held_at_length() -> None:
    sentence = (
        "For the people we've worked with for a full year, A&E attendances went down from 2,214 "
        "in the twelve months before they joined us to 1,018 in the twelve months after."
    )
    pairs = [f for f in find_figures(sentence) if f.kind == "pair"]
    assert [(f.before, f.value) for f in pairs] == [("2,214", "1,018")]


def test_what_a_measure_moved_to_a_bracketed_limit_and_wks_are_read() -> None:
    moved = find_figures(
        "In the first twelve months of the new service, ENT wax referrals dropped to 412."
    )
    assert [(f.kind, f.value, f.noun, f.direction) for f in moved] == [
        ("count", "412", "ENT wax referrals", "decrease")
    ]
    # "That has now fallen to 27 a month" names no measure of its own: no count of anything
    assert find_figures("That has now fallen to 27 a month.") == []
    # an acronym defined, or a limit in brackets, inside what is counted does not cut it short
    nurses = find_figures("The nursing team is 11.4 whole-time equivalent (WTE) nurses.")
    assert [f.noun for f in nurses if f.kind == "count"] == ["whole-time equivalent nurses"]
    admissions = find_figures(
        "There were 1,020 short-stay (under 24 hours) emergency admissions in April to September."
    )
    assert [f.noun for f in admissions if f.kind == "count"][0] == "short-stay emergency admissions"
    # staff's short forms of a unit: "31 wks -> 12 wks" is a before and after
    waits = find_figures("Routine wait: 31 wks -> 12 wks")
    assert [(f.kind, f.before, f.after) for f in waits] == [("pair", "31 wks", "12 wks")]
