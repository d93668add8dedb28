import pytest

from askcases.text.claims import claim_of

BANES = (
    "Bath and North East Somerset Clinical Commissioning Group has developed a simple blood "
    "test for GPs to improve care for heart failure patients which will save the NHS locally "
    "up to £60,000 a year, and benefit on average 10 patients at every practice."
)


@pytest.mark.parametrize(
    ("sentence", "figure", "status", "qualifier"),
    [
        (BANES, "£60,000", "projected", "up to"),
        (
            "A clinical commissioning group in Wigan has reduced the average hospital stay from "
            "56 days to 12 days, saving £700,000 per year.",
            "£700,000",
            "achieved",
            "",
        ),
        (
            "The service is expected to start later in the spring and aims to see 400 patients.",
            "400",
            "projected",
            "",
        ),
        (
            "Around 1,100 visits to the urgent treatment centre were avoided.",
            "1,100",
            "achieved",
            "around",
        ),
        ("The pilot could save at least £2m a year.", "£2m", "projected", "at least"),
        (
            "The clinic opened in 2019; waits fell from 18 weeks to 4 weeks.",
            "18 weeks",
            "achieved",
            "",
        ),
        ("Target: 8,000 appointments", "8,000", "projected", ""),
        ("1. Achieve a 12-week healing rate of 65% in 2024/25.", "65%", "projected", ""),
        ("Recruit 6.4 WTE permanent staff.", "6.4", "projected", ""),
        (
            "The business case assumed that 14 acute beds would close by October 2023.",
            "14",
            "projected",
            "",
        ),
        ("Reduced waits from 9 weeks to 3 weeks.", "9 weeks", "achieved", ""),
        # an evaluator's recommendation is what is to come
        (
            "They also recommend that Penmarrow reduce 30-day readmissions to below 8% by "
            "March 2025.",
            "8%",
            "projected",
            "",
        ),
        # a list of targets after a colon
        (
            "The Board is asked to endorse the following targets for 2024/25: a median wait "
            "from referral to diagnosis of 8 weeks, and 60% of people diagnosed within 6 weeks.",
            "60%",
            "projected",
            "",
        ),
        ("Performance against targets: 412 patients were seen.", "412", "achieved", ""),
    ],
)
def test_a_figure_is_achieved_or_projected_and_its_hedge_is_kept(
    sentence: str, figure: str, status: str, qualifier: str
) -> None:
    claim = claim_of(sentence, sentence.index(figure))
    assert (claim.status, claim.qualifier) == (status, qualifier)


def test_who_makes_a_claim_is_named_where_the_sentence_says() -> None:
    assert claim_of("The CCG estimates the move has saved £96,000.").reported_by == "the CCG"
    assert claim_of('"Waits halved," said Dr Jane Smith, clinical lead.').reported_by == (
        "Dr Jane Smith"
    )
    assert claim_of("According to NHS Kelston, the scheme saved £2m.").reported_by == (
        "NHS Kelston"
    )
    assert claim_of("Waits fell from 18 weeks to 4 weeks.").reported_by == ""


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Key outcomes: Expected savings of £2m a year.", "projected"),
        ("“Will save £60,000 a year,” said Dr Jones.", "projected"),
        (
            "This means that 45.7 million people around the country will now receive care.",
            "projected",
        ),
        ("The trust estimates that the service saved 4,300 bed days.", "projected"),
        ("The Board is asked to approve recurrent funding of £620,000 a year.", "projected"),
        ("The pilot saved £120,000 and will be extended to two more practices.", "achieved"),
        ("Admissions fell by 20% and the service will now be rolled out.", "achieved"),
        ("Patients asked to rate the service gave it 9.2 out of 10.", "achieved"),
        ("Dr Ann Lee, Lead for Planned Care, said 40 patients were seen.", "achieved"),
        ("In a survey 97% said they would recommend it, and nine in ten said so.", "achieved"),
        # "May" beside a day or a year is the month, not "may"
        (
            "The CCG moved DVT services to eight centres across the area in May 2019, "
            "reducing the need to travel.",
            "achieved",
        ),
        ("The service opened on 1 May and saw 300 patients.", "achieved"),
        ("Savings may reach £2m a year.", "projected"),
        ("It May save 40 beds.", "projected"),
        ("It set an ambition of 10,000 checks a year once the service is running.", "projected"),
        # a table row's label governs its figures as a sentence's opening words do
        ("| Acute bed days saved (estimated) | 2,000 | 2,184 | Green |", "projected"),
        ("| Patients treated at home | 300 | 326 | Green |", "achieved"),
    ],
)
def test_what_governs_a_figure_decides_its_status(sentence: str, status: str) -> None:
    assert claim_of(sentence).status == status


def test_an_article_qualifying_its_own_currency_is_quoted_whole() -> None:
    from askcases.text.claims import currency_notes

    text = (
        "Preliminary results show waits fell by 4.5 weeks. The old paper referral form has been "
        "replaced by an online system. This case study may not reflect the current policy "
        "position."
    )
    assert currency_notes(text) == [
        "Preliminary results show waits fell by 4.5 weeks.",
        "This case study may not reflect the current policy position.",
    ]


def test_a_table_row_in_a_column_of_targets_is_a_projection() -> None:
    from askcases.text.claims import in_plan_column, table_header

    text = (
        "## 4. Key performance indicators\n\n| KPI | Target |\n|---|---|\n"
        "| Referrals seen within 2 hours | 95% |\n\n"
        "| Indicator | Target | Q2 actual | RAG |\n|---|---|---|---|\n"
        "| Patients treated | 300 | 326 | Green |\n"
    )
    target_row = "| Referrals seen within 2 hours | 95% |"
    actual_row = "| Patients treated | 300 | 326 | Green |"
    assert table_header(text, text.index(target_row)) == "| KPI | Target |"
    assert in_plan_column(table_header(text, text.index(target_row)), target_row)
    assert not in_plan_column(table_header(text, text.index(actual_row)), actual_row)
    assert table_header(text, text.index("| KPI |")) == ""
    assert table_header(text, text.index("## 4.")) == ""  # no table row there
    # a result beside its target is a result; a column named so only in passing is no plan
    assert not in_plan_column("| Measure | Spend against budget |", "| Beds | 40 |")
    # from outcome extraction a row's figure starts the line: its label still governs it
    assert claim_of("| Acute bed days saved (estimated) | 2,000 | 2,184 |", 0).status == (
        "projected"
    )
    assert claim_of("| Patients treated | 300 | 326 |", 0).status == "achieved"


def test_a_sentences_standing_is_read_at_its_first_figure_not_a_year() -> None:
    planned = (
        "From spring 2025 we plan to offer coil fitting at both sites, which we expect to "
        "provide around 900 additional fittings a year."
    )
    assert claim_of(planned).status == "projected"
    assert claim_of("In 2022/23 the team saw 400 patients.").status == "achieved"
    assert claim_of("By 2026 the team will see 500 more patients.").status == "projected"


def test_an_item_of_a_list_of_expected_benefits_is_a_projection() -> None:
    from askcases.text.claims import under_expecting_lead

    lead = "6.9 Expected benefits once the service is fully running in 2026/27 are:\n"
    first = "(i) the average stay to fall from 19 days to 12 days; "
    item = "(ii) about 5,100 acute bed days saved each year"
    assert under_expecting_lead(item, lead + first)
    assert under_expecting_lead(first.strip(), lead)
    # the results achieved, listed under a lead-in that expects nothing, stay results
    assert not under_expecting_lead(item, "Results in the first year were:\n" + first)
    # a sentence that is no item of a list stands on its own
    assert not under_expecting_lead("About 5,100 bed days were saved.", lead)


def test_a_result_measured_against_a_plan_is_no_plan() -> None:
    late = (
        "The share of injections given more than two weeks later than planned fell from 38% to 9%."
    )
    assert claim_of(late).status == "achieved"
    assert claim_of("Clinics ran as expected and waits fell from 20 to 8 weeks.").status == (
        "achieved"
    )
    assert claim_of("The trust expects waits to fall to 8 weeks.").status == "projected"
