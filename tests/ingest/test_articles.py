from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS

from askcases.errors import ArticleError
from askcases.ingest.articles import load_article
from askcases.ingest.cleaning import parse_date
from askcases.types import Article

# (document id, chrome that must be gone, body text that must stay, title, date)
REAL_ARTICLES = [
    (
        "bnssg-community-dvt-service-2020",
        [],
        ["eight specialist treatment centres", "awards ceremony in Manchester."],
        "Community DVT service which takes care closer to patients in Bristol, North Somerset "
        "and South Gloucestershire up for award",
        "2020-03-03",
    ),
    (
        "gp-led-health-services-benefits",
        [],
        ["decreased by 70 per cent", "saving £700,000 per year.", "Further case studies"],
        "Patients benefitting from GP led health services",
        None,
    ),
    (
        "gp-pathfinders-fourth-wave-2011",
        [
            "Log In",
            "Friday 21st October 2016",
            "Share this page",
            "no comments for this article",
            "Post your comment",
            "Your email address",
            "Mayden",
            "©",
        ],
        [
            "Health Secretary Andrew Lansley",
            "within two hours of contact.",
            "Royal College of GPs’ Centre for Commissioning.",
        ],
        "9 out of every 10 people to benefit from more personalised care",
        "2011-04-04",
    ),
    (
        "one-care-community-phlebotomy-2021",
        [],
        ["18,000 bloods taken", "works for our population.”"],
        "Community Phlebotomy successfully rolled out",
        "2021-11-16",
    ),
    (
        "sentinel-plymouth-diabetes-case-study",
        ["Leave a Reply", "Leave a comment", "Tagged", "Pathfinder Learning Network"],
        [
            "around 11,600 patients with diabetes",
            "54 avoided referrals",
            "66 new referrals that would have normally been sent to secondary care.",
        ],
        "Case study: Sentinel Healthcare Community Interest Company",
        None,
    ),
]


@pytest.mark.parametrize(("doc_id", "chrome", "body", "title", "published"), REAL_ARTICLES)
def test_cleaning_drops_chrome_and_keeps_the_article(
    doc_id: str, chrome: list[str], body: list[str], title: str, published: str | None
) -> None:
    article = load_article(CORPUS / f"{doc_id}.txt")
    assert article.doc_id == doc_id
    assert article.title == title
    assert article.date == published
    for gone in chrome:
        assert gone not in article.text
    for kept in body:
        assert kept in article.text
    # Repeated titles and preview blocks appear once.
    assert article.text.count(title) == 1
    assert article.text.startswith(title)


def test_every_paragraph_of_a_real_article_survives_cleaning() -> None:
    raw = (CORPUS / "gp-pathfinders-fourth-wave-2011.txt").read_text(encoding="utf-8")
    article = load_article(CORPUS / "gp-pathfinders-fourth-wave-2011.txt")
    start = raw.index("Health Secretary Andrew Lansley has today")
    end = raw.index("Share this page")
    for paragraph in raw[start:end].split("\n"):
        words = " ".join(paragraph.replace("•", "").split())
        if words:
            assert words in " ".join(article.text.split())


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("03 March 2020", date(2020, 3, 3)),
        ("  • 03 March 2020", date(2020, 3, 3)),
        ("November 16, 2021", date(2021, 11, 16)),
        ("4th April 2011", date(2011, 4, 4)),
        ("Friday 21st October 2016", date(2016, 10, 21)),
        ("Published: 1 Sept 2019", date(2019, 9, 1)),
        ("2022-01-31", date(2022, 1, 31)),
        ("31/01/2022", date(2022, 1, 31)),
        ("Last updated: 14 May 2024", date(2024, 5, 14)),
        ("Page last reviewed: 2 September 2024", date(2024, 9, 2)),
        ("Last updated: June 2024", date(2024, 6, 1)),
        ("Date of response: 22 August 2024", date(2024, 8, 22)),
        ("Issued: 3 July 2023", date(2023, 7, 3)),
        ("June 2024", None),
        ("Page last reviewed: 2 September 2024. Next review due: 2 September 2025.", None),
        ("31 February 2020", None),
        ("The winner will be announced on 21 May 2020 at an awards ceremony.", None),
        ("Case study: Sentinel Healthcare", None),
    ],
)
def test_parse_date_reads_whole_line_dates_only(line: str, expected: date | None) -> None:
    assert parse_date(line) == expected


def test_site_date_after_login_bar_is_not_the_publication_date(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(
        "Log In\nMonday 1st June 2015\n\nA headline about clinics\n\n2nd March 2012\n\n"
        "Body text of the article.\n",
        encoding="utf-8",
    )
    article = load_article(page)
    assert article.date == "2012-03-02"
    assert article.title == "A headline about clinics"


def test_a_press_release_dateline_dates_the_release_and_stays_in_its_text(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text(
        "PRESS RELEASE\n\nMenopause clinic halves waits\n\n"
        "RUDGEFORD, 14 May 2024 - A community menopause clinic has cut the wait to 9 weeks.\n\n"
        "LEEDS, 2 June 2023 - a later line of the story is not a dateline.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.date == "2024-05-14"
    assert "RUDGEFORD, 14 May 2024 - A community menopause clinic" in article.text


def test_a_date_inside_a_story_s_first_sentence_is_not_its_publication_date(
    tmp_path: Path,
) -> None:
    path = tmp_path / "news.txt"
    path.write_text(
        "Clinic opens\n\nThe clinic opened on 3 May 2022 - and has seen 400 patients.\n",
        encoding="utf-8",
    )
    assert load_article(path).date is None


def _web_page(
    path: Path, title: str, chrome: str, lead: str, paragraph: str, page_title: str = ""
) -> Path:
    """A web page in site chrome: the article's heading, a lead line (a date, a byline) and a
    paragraph three times inside <main><article>, a footer after."""
    path.write_text(
        f"<html><head><title>{page_title or title}</title></head><body>{chrome}"
        f"<main><article><h1>{title}</h1>{lead}{paragraph * 3}</article></main>"
        "<footer>© 2025 Hawksmere Trust</footer></body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "stamp",
    [
        '<p class="meta">Published: 9 October 2024</p>',
        '<p class="meta">Published <time datetime="2024-10-09">9 October 2024</time> by the '
        "Communications Team</p>",
    ],
)
def test_a_web_page_s_publication_line_dates_it_though_the_text_leaves_it_out(
    tmp_path: Path, stamp: str
) -> None:
    page = _web_page(
        tmp_path / "cafe.html",
        "Crisis cafe first year",
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        "<p>Today is Monday 3 February 2025</p>",
        stamp,
        "<p>The cafe opened on 2 October 2023 and has had 2,346 visits in its first year, "
        "helping people in crisis in the evenings without going to A&amp;E.</p>",
    )
    article = load_article(page)
    assert article.date == "2024-10-09"
    assert "2,346 visits" in article.text


def test_a_web_page_s_published_time_meta_tag_dates_it(tmp_path: Path) -> None:
    page = tmp_path / "team.html"
    page.write_text(
        '<html><head><meta property="article:published_time" content="2024-06-18T09:30:00+01:00">'
        "<title>Rapid response team shortlisted</title></head><body><article>"
        "<h1>Rapid response team shortlisted</h1>"
        "<p>The team reached 92% of patients within two hours in 2023.</p></article>"
        "</body></html>",
        encoding="utf-8",
    )
    assert load_article(page).date == "2024-06-18"


def test_html_article_keeps_text_and_title(tmp_path: Path) -> None:
    page = tmp_path / "clinic.html"
    page.write_text(
        "<html><head><title>Leg ulcer clinic opens</title></head><body><nav>Home | Log In</nav>"
        "<article><h1>Leg ulcer clinic opens</h1><p>Published: 5 May 2021</p>"
        "<p>A new community leg ulcer clinic in Exeter saw 120 patients in its first month.</p>"
        "<p>Nurses run the clinic three days a week.</p></article>"
        "<footer>© Example Trust 2021</footer></body></html>",
        encoding="utf-8",
    )
    article = load_article(page)
    assert article.title == "Leg ulcer clinic opens"
    assert "saw 120 patients in its first month." in article.text
    assert "Nurses run the clinic three days a week." in article.text
    assert "©" not in article.text
    assert article.date == "2021-05-05"


def test_markdown_article_loses_markup(tmp_path: Path) -> None:
    page = tmp_path / "note.md"
    page.write_text(
        "# Falls service\n\n*Ashby Community Trust*\n\n4 July 2022\n\n"
        "The **falls** team saw [300 people](http://x).\n\n* a list item\n",
        encoding="utf-8",
    )
    article = load_article(page)
    assert article.title == "Falls service"
    assert article.text == (
        "Falls service\nAshby Community Trust\nThe falls team saw 300 people.\n• a list item"
    )
    assert article.date == "2022-07-04"


_WRAPPED_REPORT = """HARLOWE COMMUNITY HEALTH NHS TRUST
Annual Report 2023/24

2.1 The Harlowe falls team

The falls team visits older people at home after a fall and teaches them
strength and balance exercises. It is run by this Trust and is commissioned
by NHS Harlowe Integrated Care Board. The service cost £612,000 to run in
2023/24, an average of £410 per
person seen.

Table 2.1: Falls team activity

  Measure                          2022/23    2023/24    Change
  ------------------------------   -------    -------    ------
  People seen                          980      1,493    +513
  Fall-related admissions              402        341    -61

Because the team started in May 2022, the first year is not a full year of
activity. Admissions fell, but winter 2023/24 was milder than the one
before, so some of the fall would have happened anyway.

Next steps:
- widen referrals to care homes from April 2025, which should bring the
  number seen to around 1,800 a year
- add a second physiotherapist
"""


def test_a_text_file_wrapped_by_hand_is_read_one_paragraph_a_line(tmp_path: Path) -> None:
    page = tmp_path / "harlowe.txt"
    page.write_text(_WRAPPED_REPORT, encoding="utf-8")
    text = load_article(page).text.splitlines()
    # a sentence broken over lines, and over a short line, is whole again
    assert (
        "The service cost £612,000 to run in 2023/24, an average of £410 per person seen."
        in text[3]
    )
    assert text[2].startswith("2.1 The Harlowe falls team")
    assert text[3].startswith("The falls team visits older people at home after a fall and teaches")
    # a table laid out in columns of spaces is read as a table, its ruled line left out
    assert "| Measure | 2022/23 | 2023/24 | Change |" in text
    assert "| Fall-related admissions | 402 | 341 | -61 |" in text
    # a list item's wrapped line stays with its item, and the next item starts a line
    assert (
        "• widen referrals to care homes from April 2025, which should bring the number seen "
        "to around 1,800 a year" in text
    )
    assert text[-1] == "• add a second physiotherapist"


def test_a_text_file_of_one_paragraph_a_line_keeps_its_lines(tmp_path: Path) -> None:
    lines = [
        "Harlowe falls team",
        "The falls team visits older people at home after a fall and teaches them strength "
        "and balance exercises, and it is run by this Trust for the whole of the county.",
        "Short line.",
        "It saw 980 people in 2022/23 and 1,493 people in 2023/24, and fall-related "
        "admissions fell from 402 to 341 over the same two years across the county.",
    ] * 4
    page = tmp_path / "harlowe.txt"
    page.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
    assert load_article(page).text.splitlines() == lines[:4]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n \n", "is empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("chrome-only.txt", b"Log In\nShare this page\n", "no article text"),
        ("scan.pdf", b"%PDF-1.4 not really", "is not a readable PDF"),
        ("slides.pptx", b"PK\x03\x04", "unsupported file type .pptx"),
    ],
)
def test_unusable_files_are_rejected_by_name(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ArticleError) as error:
        load_article(path)
    assert str(error.value).startswith(name)
    assert reason in str(error.value)


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(
        "Clinic moves closer to home\n\nIt costs \u00a35 less \u2013 per visit.\n".encode("cp1252")
    )
    assert "£5 less – per visit." in load_article(path).text


def test_content_hash_follows_the_text_not_the_whitespace(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Title here\n\nSome text about the service.\n", encoding="utf-8")
    b.write_text("Title here\r\n\r\n\r\nSome   text about the service.  \r\n", encoding="utf-8")
    first: Article = load_article(a)
    assert first.content_hash == load_article(b).content_hash
    a.write_text("Title here\n\nSome other text about the service.\n", encoding="utf-8")
    assert load_article(a).content_hash != first.content_hash


def _pdf(path: Path, paragraphs: list[str], password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, paragraph)
        pdf.ln(4)
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.output(str(path))
    return path


def test_pdf_article_text_is_read(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "falls-service.pdf",
        [
            "Falls service cuts ambulance call-outs",
            "A community falls service in Exeter cut ambulance call-outs by 30 per cent in its "
            "first year, working with the local ambulance trust and GP practices across the city.",
        ],
    )
    article = load_article(path)
    assert article.title == "Falls service cuts ambulance call-outs"
    assert "cut ambulance call-outs by 30 per cent in its first year" in " ".join(
        article.text.split()
    )


def test_a_pdf_report_s_running_header_and_footer_stay_out_of_its_text(tmp_path: Path) -> None:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, "Ardlow Heart Failure Service - Year One Evaluation Report")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(
                0, 6, f"Ardlow Community Health NHS Trust | OFFICIAL Page {self.page_no()} of 2"
            )

    pdf = Report()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(
        0,
        6,
        new_x="LMARGIN",
        new_y="NEXT",
        text="Evaluation of the Ardlow community heart failure service",
    )
    pdf.ln(4)
    body = (
        "In its first year the service cut the median wait for a first assessment from 54 days "
        "to 19 days and was associated with a fall in emergency admissions for heart failure. "
    )
    for _ in range(6):
        pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=body * 3)
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text="2. Background")
    pdf.multi_cell(0, 6, new_x="LMARGIN", new_y="NEXT", text=body * 2)
    pdf.add_page()
    pdf.multi_cell(
        0,
        6,
        "The fall in admissions began in the second quarter, when all three hubs were "
        "fully staffed. " + body,
    )
    pdf.output(str(tmp_path / "ardlow.pdf"))
    text = load_article(tmp_path / "ardlow.pdf").text
    assert "Page 1 of 2" not in text and "OFFICIAL" not in text
    assert text.count("Year One Evaluation Report") <= 1  # where it opens the report, if at all
    assert "\n2. Background\n" in text  # a numbered heading is a line of its own
    assert "\nThe fall in admissions began" in text


def _board_paper_with_a_table(path: Path) -> Path:
    """A board paper extract: prose, a ruled results table with a header row, more prose."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Harbrook Community Dementia Service: Twelve-Month Review")
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        "Table 1 compares the last full year of the memory clinic (2022/23) with the first "
        "year of the community service (2023/24).",
    )
    pdf.ln(2)
    rows = [
        ("Measure", "2022/23 (clinic)", "2023/24 (community)"),
        ("Referrals received", "1,012", "1,268"),
        ("Median wait, referral to diagnosis (weeks)", "31", "11"),
        ("Diagnosed within 6 weeks of referral", "9%", "46%"),
        ("Completed therapy course", "n/a", "214"),
    ]
    with pdf.table(col_widths=(90, 45, 45)) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        "Much of the shorter wait comes from seeing people closer to home, in 6 surgeries "
        "across 3 localities, with 14.6 WTE staff.",
    )
    pdf.output(str(path))
    return path


def test_a_pdf_table_is_read_as_a_table_with_its_header(tmp_path: Path) -> None:
    text = load_article(_board_paper_with_a_table(tmp_path / "harbrook.pdf")).text
    lines = text.splitlines()
    assert "| Measure | 2022/23 (clinic) | 2023/24 (community) |" in lines
    assert "| Median wait, referral to diagnosis (weeks) | 31 | 11 |" in lines
    assert "| Completed therapy course | n/a | 214 |" in lines  # a mark for none is a cell
    # the prose around it stays prose, figures and all
    assert not any("|" in line for line in lines if "surgeries" in line or "Table 1" in line)


def test_a_pdf_options_table_with_a_rating_column_is_read_as_a_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)

    def para(text: str) -> None:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    para("Harbrook stroke rehabilitation: options appraisal")
    pdf.ln(4)
    para("6.7 The ICB considered three options, set out below.")
    pdf.ln(2)
    rows = [
        ("Option", "Extra cost a year", "Beds saved per day", "Risk"),
        ("A: Do nothing", "£0", "0", "High"),
        ("B: Extend ESD only", "£1.1m", "6", "Medium"),
        ("C: Integrated community service", "£2.35m", "14", "Low"),
    ]
    with pdf.table(col_widths=(70, 40, 40, 30)) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(4)
    para(
        "6.8 The Committee agreed Option C as the preferred option, as the only one that meets "
        "the national standard for early supported discharge and brings stroke and neurological "
        "rehabilitation together."
    )
    para("Expected benefits")
    para("6.9 The benefits expected once the service is fully running are:")
    for item in (
        "(a) the average stay on the stroke unit to fall from 19 days to 12 days;",
        "(b) about 5,100 acute bed days saved each year;",
        "(c) at least 80% of eligible stroke survivors to receive early supported discharge.",
    ):
        para(item)
    pdf.output(str(tmp_path / "harbrook-stroke.pdf"))
    lines = load_article(tmp_path / "harbrook-stroke.pdf").text.splitlines()
    assert "| Option | Extra cost a year | Beds saved per day | Risk |" in lines
    assert "| B: Extend ESD only | £1.1m | 6 | Medium |" in lines
    # a heading after a paragraph's last sentence is a line of its own
    assert "Expected benefits" in lines
    # an item "(c)" of a list is no copyright line
    assert any(line.startswith("(c) at least 80% of eligible") for line in lines)


def test_a_pdf_title_wrapped_onto_a_second_line_is_one_title(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(
        120,
        8,
        "Evaluation of the Harbrook community heart failure service in its first year of operation",
    )
    pdf.set_font("Helvetica", size=11)
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        "In its first year the service cut the median wait for a first assessment from 54 days "
        "to 19 days.",
    )
    pdf.output(str(tmp_path / "harbrook-hf.pdf"))
    article = load_article(tmp_path / "harbrook-hf.pdf")
    assert article.title == (
        "Evaluation of the Harbrook community heart failure service in its first year of operation"
    )
    assert "\nIn its first year the service cut" in article.text


def test_encrypted_pdf_is_rejected_with_what_to_do(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "locked.pdf", ["Secret title", "Secret text."], password="s3cret")
    with pytest.raises(ArticleError, match="locked.pdf: is an encrypted PDF; save it without"):
        load_article(path)


@pytest.mark.parametrize(
    "label",
    [
        "For immediate release",
        "PRESS RELEASE",
        "PRESS RELEASE - FOR IMMEDIATE RELEASE",
        "News release: for immediate release",
        "Embargoed until 00:01 Tuesday 3 May 2022",
    ],
)
def test_a_press_release_label_is_not_the_title(tmp_path: Path, label: str) -> None:
    path = tmp_path / "leeds-pharmacy.txt"
    path.write_text(
        f"{label}\n\nLeeds pharmacies treat minor ailments\n\n"
        "Only 6% of patients needed to be sent on to their GP.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.title == "Leeds pharmacies treat minor ailments"
    assert "release" not in article.text.lower() and "embargo" not in article.text.lower()


def test_a_title_about_press_releases_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text("Press release writers meet in Leeds\n\nThey met.\n", encoding="utf-8")
    assert load_article(path).title == "Press release writers meet in Leeds"


def test_a_cover_sheet_s_title_field_says_what_a_board_paper_is_about(tmp_path: Path) -> None:
    path = tmp_path / "larchmere-board.md"
    path.write_text(
        "# Larchmere Community Health NHS Trust\n\n## Board of Directors - Agenda item 9\n\n"
        "**Title:** Long COVID Rehabilitation Service: twelve-month review\n\n"
        "**Date:** 11 July 2024\n\n1.1 The service started on 1 June 2023.\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.title == (
        "Larchmere Community Health NHS Trust - "
        "Long COVID Rehabilitation Service: twelve-month review"
    )
    assert article.date == "2024-07-11"
    # a title field further down, inside the paper, is no cover sheet's
    path.write_text(
        "Larchmere Community Health NHS Trust\n\n"
        + "".join(f"{n}.1 Paragraph {n} of the paper.\n\n" for n in range(1, 10))
        + "Title: of a report quoted in it\n",
        encoding="utf-8",
    )
    assert load_article(path).title == "Larchmere Community Health NHS Trust"


def test_a_blog_posts_byline_keeps_its_author_and_role_after_the_title(tmp_path: Path) -> None:
    page = _web_page(
        tmp_path / "blog.html",
        "Three years of rehab",
        "<nav>Home | News</nav>",
        '<p class="byline">By Rachel Adeyemi, Consultant Physiotherapist and Clinical Lead, '
        "Holmby Rehabilitation Service</p>",
        "<p>We have seen 1,240 people since the clinic opened in February 2021, and most "
        "of them finished the programme.</p>",
        page_title="Three years of rehab | Staff blog",
    )
    article = load_article(page)
    assert article.title == "Three years of rehab"
    assert "By Rachel Adeyemi, Consultant Physiotherapist and Clinical Lead" in article.text
