"""Questions in staff's own words find the passage the articles' words hold (tuning examples)."""

from pathlib import Path

import pytest
from conftest import make_settings

from askcases.config import Settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.qa.assistant import Assistant
from askcases.qa.extractive import Candidate, candidate_sentences, names_agent
from askcases.qa.questions import asked_noun, focus_noun
from askcases.qa.spelling import correct_spelling, edit_distance, spell_out_counties
from askcases.store.sync import sync_index
from askcases.text.lexicon import common_terms, stem
from askcases.types import Answer


def test_a_count_of_sites_is_answered_by_the_count_of_centres(assistant: Assistant) -> None:
    answer = assistant.ask("how many sites does the Bristol clot service have")
    assert not answer.refused
    assert "eight specialist treatment centres" in answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # "total number" and "roughly" restate "how many": the count of diabetics answers
        ("plymouth total number of diabetics registered", "11,600"),
        (
            "Roughly how many newly diagnosed diabetics get added to the Plymouth caseload each "
            "year?",
            "1,200",
        ),
        # what is to be built is what is to be developed
        (
            "What's One Care going to build so practices can see how many hospital blood tests "
            "they're doing?",
            "dashboard",
        ),
        # the situation before the dash says nothing the answer's article must mention
        (
            "Doing a capacity slide for the pathology network meeting - pre-Covid, roughly how "
            "many blood samples a week were going through the hospital labs?",
            "18,000",
        ),
    ],
)
def test_words_that_restate_the_ask_or_tell_the_situation_need_not_be_said(
    assistant: Assistant, question: str, fact: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.reason
    assert fact in answer.answer


def test_who_announced_it_and_when_gives_the_day_its_article_says_today(
    assistant: Assistant,
) -> None:
    answer = assistant.ask("Who announced the fourth wave of GP pathfinders, and when was that?")
    assert not answer.refused
    assert "Andrew Lansley" in answer.answer and "4 April 2011" in answer.answer


def test_a_misspelt_place_is_read_as_the_library_spells_it(assistant: Assistant) -> None:
    answer = assistant.ask("how much did wigna save on stroke")
    assert answer.resolved_question == "how much did Wigan save on stroke"  # as the library has it
    assert not answer.refused and "£700,000" in answer.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # the account of Barking & Dagenham goes on in the next passage ("..., they have
        # developed a community based ophthalmology service which is expected to start ..."):
        # when it was due, asked of a long name, is when it was expected
        (
            "when was the Barking and Dagenham GP consortium community clinic due to open?",
            "later in the spring",
        ),
        # a commissioner is a body, not a person
        ("who is the gp led commissioner for the plymouth diabetes redesign", "Sentinel"),
        # "the DH round-up" is the Department of Health's
        (
            "I'm using the DH round-up of GP-led services - when did emergency hospital "
            "admissions first fall compared with the previous year?",
            "2011",
        ),
        # places counted are the centres the service runs from
        ("how many local places now treat people with clots around bristol", "eight"),
        # "South Glos" is the library's South Gloucestershire
        ("south glos clot clinics who runs them", "GP Care"),
        # what else a service is called is answered by the name it is "otherwise referred to as"
        ("what else is the bristol community bloods programme called", "secondary care bloods"),
        # "date announced" asks for a date, in shorthand: the day the article says "today"
        ("fourth wave gp commissioning pathfinders date announced", "4 April 2011"),
        # a region told only in the asker's situation sets the scene; Plymouth is asked about
        (
            "I'm new to the South West and trying to understand the diabetes set-up in Plymouth "
            "- which hospital trust looks after most people with diabetes there at the moment?",
            "Plymouth Hospitals NHS Trust",
        ),
    ],
)
def test_an_account_is_read_across_passages_and_asks_as_staff_put_them(
    assistant: Assistant, question: str, fact: str
) -> None:
    _answers(assistant, question, fact)


def test_real_words_and_places_are_never_corrected() -> None:
    vocabulary = {"need": 3, "wigan": 2, "lead": 5}
    assert correct_spelling("clinics in leeds", vocabulary, lambda t: t) == "clinics in leeds"
    assert correct_spelling("wigna costs", vocabulary, lambda t: t) == "wigan costs"
    assert edit_distance("wigna", "wigan", 1) == 1
    assert edit_distance("leeds", "lead", 1) == 2


def test_a_question_about_cost_is_not_answered_with_a_saving(assistant: Assistant) -> None:
    answer = assistant.ask("how much does the bristol clot service cost to run")
    assert answer.refused


def test_the_counted_thing_is_found_before_an_unlisted_verb() -> None:
    assert focus_noun("how many nurses work on the wigan stroke team") == "nurs"
    assert focus_noun("how many new patients enter each year") == "patient"


def test_a_place_in_lower_case_the_library_never_names_is_refused(assistant: Assistant) -> None:
    answer = assistant.ask("who runs the community clot clinics in leeds")
    assert answer.refused and "mentions leeds" in answer.answer
    wigan = assistant.ask("how much did wigan save a year")  # named in lower case, and covered
    assert not wigan.refused and "£700,000" in wigan.answer
    # a describing word after "for" is no place: "referrals for suspected DVT"
    why = assistant.ask("why did GP referrals for suspected DVT go down after the service started")
    assert not why.refused and "greater accuracy in initial diagnoses" in why.answer


def test_a_fee_is_asked_for_in_money() -> None:
    from askcases.qa.questions import expected_type

    assert expected_type("how much is the item of service fee for community bloods") == "money"


def test_a_singular_word_ending_in_s_is_not_the_counted_thing() -> None:
    assert focus_noun("how many diabetes consultants work at the hub") == "consult"


def _library(tmp_path: Path, embeddings: MiniLMEmbeddings, articles: dict[str, str]) -> Settings:
    """Settings of an index built from these articles (file name -> text)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir(parents=True)
    for name, text in articles.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = make_settings(tmp_path)
    sync_index(settings, embeddings, quiet=True)
    return settings


_WIGAN = (
    "Stroke care at home in Wigan\n\n1 May 2012\n\n"
    "Wigan cut stroke stays from 56 to 12 days, saving £700,000 a year.\n"
)


def _beside_wigan(
    tmp_path: Path, embeddings: MiniLMEmbeddings, name: str, article: str
) -> Assistant:
    """An assistant over a library of this article (in a file of this name) and Wigan's."""
    settings = _library(tmp_path, embeddings, {name: article, "stroke.txt": _WIGAN})
    return Assistant(settings, embeddings)


def _asked_beside_wigan(
    tmp_path: Path, embeddings: MiniLMEmbeddings, name: str, article: str, question: str
) -> Answer:
    """The answer to the question from a library of this article (in a file of this name) and
    Wigan's."""
    return _beside_wigan(tmp_path, embeddings, name, article).ask(question)


def _answers(assistant: Assistant, question: str, *facts: str) -> Answer:
    """The answer to the question, which must not be a refusal and must hold each fact."""
    answer = assistant.ask(question)
    assert not answer.refused, answer.reason
    assert all(fact in answer.answer for fact in facts), answer.answer
    return answer


def _refuses(assistant: Assistant, question: str, *figures: str) -> Answer:
    """The answer to the question, which must be a refusal that gives none of the figures."""
    answer = assistant.ask(question)
    assert answer.refused, answer.answer
    assert not any(figure in answer.answer for figure in figures), answer.answer
    return answer


def _scored(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    article: str,
    question: str,
    name: str = "article.txt",
) -> list[Candidate]:
    """The sentences of a library of this article (in a file of this name) and Wigan's, scored
    for the question."""
    assistant = _beside_wigan(tmp_path, embeddings, name, article)
    read = assistant.read(question)
    passages, _ = assistant.passages(read, 5)
    sections = assistant.sections(read, passages)
    return assistant.answerer.score(read, candidate_sentences(passages, 3), sections)


def test_an_answer_about_another_place_is_refused_and_says_so(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "fernleigh-hearing.txt": (
                "High street hearing clinic cuts waits for hearing aids\n\n12 May 2018\n\n"
                "Since October 2017 adult hearing tests have been offered at a high street "
                "clinic in Fernleigh.\n\n"
                "The wait from referral to a hearing test fell from 14 weeks to 2 weeks.\n"
            ),
            "tennick-oxygen.txt": (
                "Home oxygen reviews in Tennick\n\n3 June 2019\n\n"
                "The Tennick respiratory team reviews every patient on home oxygen.\n\n"
                "The average wait for an oxygen assessment fell from 11 weeks to 3 weeks.\n"
            ),
        },
    )
    assistant = Assistant(settings, embeddings)

    elsewhere = assistant.ask("How long is the wait for a hearing test in Tennick?")
    assert elsewhere.refused
    # Fernleigh's hearing wait is not given as Tennick's, nor Tennick's oxygen wait as a hearing
    # test's: the refusal names the closest articles instead
    assert "2 weeks" not in elsewhere.answer and "3 weeks" not in elsewhere.answer
    assert "Tennick" in elsewhere.answer
    assert elsewhere.passages  # the closest passages are still offered, marked as no answer

    here = assistant.ask("How long is the wait for a hearing test in Fernleigh?")
    assert not here.refused and "2 weeks" in here.answer
    # "hearing" of "a hearing test" names a topic only Fernleigh's article mentions, even in a
    # library of two; "waiting for" names none
    topics = assistant.topics(assistant.read("How long is the wait for a hearing test in Tennick?"))
    assert topics == {"hearing": frozenset({"fernleigh-hearing"})}
    waiting = assistant.read("how long are people in Tennick waiting for an oxygen review")
    assert "waiting" not in assistant.topics(waiting)


def test_an_answer_from_an_article_about_another_service_is_refused_and_says_so(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "dementia-nurses.txt": (
                "Dementia nurses bring support to Brackenhurst homes\n\n4 March 2019\n\n"
                "A team of dementia nurses now visits care homes in Brackenhurst every week.\n\n"
                "The nurses advise care home staff on how to calm and reassure patients.\n"
            ),
            "stroke-rehab.txt": (
                "Stroke patients recover at home in Hollinbrook\n\n7 February 2022\n\n"
                "In its first year the team supported 412 patients at home after a stroke.\n\n"
                "Therapists visit each person at home for up to six weeks.\n"
            ),
            "falls-team.txt": (
                "Rapid response falls team in Ottersby\n\n1 May 2021\n\n"
                "The falls team reaches patients who have fallen at home within two hours.\n\n"
                "In its first year the falls team was called out 1,900 times.\n"
            ),
        },
    )

    question = "how many patients did the dementia nurses support in their first year"
    without = Assistant(settings.replace(matching_off="topics"), embeddings).ask(question)
    assert not without.refused and "412" in without.answer  # the stroke team's patients

    answer = Assistant(settings, embeddings).ask(question)
    assert answer.refused
    assert "does not mention dementia" in answer.answer
    assert answer.nearest  # the closest passages are still offered, marked as no answer

    falls = Assistant(settings, embeddings).ask("how quickly does the falls team reach patients")
    assert not falls.refused and "within two hours" in falls.answer

    # the thing a "which" question asks for must be in the article; a kind of service need not
    app = Assistant(settings, embeddings).ask("which app do the falls team use to log call-outs")
    assert app.refused and "does not mention app" in app.answer


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # "read" is a word, not the town of Reading, though both stem to "read"
        ("I read that Wigan cut stroke stays - how many days do patients stay now?", "12 days"),
        # "Savings" opens a clause: it is no name the library lacks
        ("Wigan stroke redesign: Savings per year?", "£700,000"),
        # "Wigan" opens a clause and the library writes it as a name: still a name
        ("stroke: Wigan savings a year", "£700,000"),
        # the library writes "County" and "Integrated" only in names, but "counties" and
        # "integration" in lower case: no names
        ("how many diabetics are there across the county in nottinghamshire", "4,000"),
        ("how much did wigan's integrated stroke redesign save a year", "£700,000"),
    ],
)
def test_a_capitalised_or_common_word_is_not_taken_for_a_place(
    assistant: Assistant, question: str, fact: str
) -> None:
    answer = assistant.ask(question)
    assert not answer.refused and fact in answer.answer


def test_a_clause_opening_name_the_library_writes_capitalised_is_kept(
    assistant: Assistant,
) -> None:
    assert "Wigan" in assistant.read("stroke: Wigan savings a year").names
    assert "Savings" not in assistant.read("Wigan stroke redesign: Savings per year?").names


def test_the_thing_a_which_question_asks_for_is_read_unless_it_is_a_kind_of_service() -> None:
    assert asked_noun("which app do patients use to book a blood test") == "app"
    assert asked_noun("What software do the clinics run on") == "software"
    assert asked_noun("which schemes move diabetes care into practices") is None
    assert asked_noun("what happened to waiting times") is None
    # "support" before a word for a kind of scheme is part of the noun, not a verb
    assert asked_noun("what peer support scheme is being set up across Plymouth") is None
    assert asked_noun("what did Wigan save") is None
    # "which parts of the NHS": an answer names the parts ("local hospitals and GP surgeries")
    assert asked_noun("which parts of the local NHS got capacity freed up") is None
    # what others did is the asker's aside; the request's "which ..." names what is asked for
    aside = "I want to see what others went for - which award category was the clinic entered in?"
    assert asked_noun(aside) == "category"


def test_the_question_words_an_articles_title_holds_count_for_its_sentences(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "heart-failure-nurses.txt": (
                "Specialist nurses help heart failure patients stay out of hospital\n\n"
                "12 March 2024\n\n"
                "The community team visits patients at home after they leave hospital.\n\n"
                "The trust estimates that avoided admissions saved around £1.3 million "
                "over two years.\n"
            ),
            "school-asthma.txt": (
                "School asthma pilot: evaluation summary\n\n1 May 2023\n\n"
                "The pilot trained school staff to use reliever inhalers.\n\n"
                "The school nurses saved the local NHS an estimated £118,000 over two years.\n"
            ),
        },
    )
    answer = Assistant(settings, embeddings).ask("how much did the heart failure nurses save")
    assert not answer.refused
    assert answer.citations[0].doc_id == "heart-failure-nurses"
    assert "£1.3 million" in answer.answer


def test_the_thing_asked_for_is_the_head_of_its_noun_phrase() -> None:
    assert asked_noun("which GP clinical system did they write guides for") == "system"
    assert asked_noun("What handheld device does the nurse carry") == "device"
    # a complication, a risk: an article names which one
    assert asked_noun("What serious complication does finding diabetes early prevent") is None
    assert asked_noun("what type of scan can GPs now do") is None  # an article names the type
    assert asked_noun("which organisation runs the clinics") is None
    assert asked_noun("which newly set up group led the work") is None


def test_a_count_of_other_things_does_not_answer_how_many(assistant: Assistant) -> None:
    from askcases.qa.extractive import counts_other
    from askcases.qa.questions import read_question

    asked = read_question("how many patients have the clinics treated", {})
    assert counts_other(asked, "The service moved to eight specialist treatment centres.")
    assert not counts_other(asked, "The clinics treated 1,140 patients in two years.")
    assert not counts_other(asked, "Around 1,200 new diabetics enter the system each year.")
    assert not counts_other(asked, "Waits fell from 14 days to 6.")  # no count: cannot tell
    # a sum of money or a share counts nothing, so the count beside it still counts patients
    practices = read_question("How many GP practices have signed up", {})
    bath = "It will save up to £60,000 a year, and benefit on average 10 patients per GP practice."
    assert counts_other(practices, bath)
    assert not counts_other(practices, "It will save £60,000 a year across 24 GP practices.")
    answer = assistant.ask("how many patients have the bristol clot clinics treated")
    assert answer.refused  # the article counts its centres, never its patients


@pytest.mark.parametrize(
    ("question", "kind", "focus"),
    [
        ("what's the wait now to get ear wax removed", "duration", None),
        ("how many people are on the waiting list", "number", "peopl"),
        ("how much did the ICB give the practices for the kit", "money", None),
        ("pelbury wound hubs patient numbers", "number", "patient"),
        ("how many older people's care homes does the team visit", "number", "home"),
        ("ryeford mental health hub - number of older people seen", "number", "peopl"),
        ("How much does the ICB give the Oakhollow falls service each year?", "money", None),
        ("wenslow catheter team total visits since launch", "number", "visit"),
        ("What's the regrowth rate after nail surgery in Pennock?", "rate", None),
        ("long covid clinic dna rate", "rate", None),
        ("What did CQC rate Moorgrave street health overall?", None, None),
        (
            "How can patients be referred into the Pelsworth heart failure service?",
            "referral",
            None,
        ),
        (
            "who's able to refer into the haddonmere ecg hub - can patients self-refer",
            "referral",
            None,
        ),
        ("how many practices refer into the wetherstow heart clinic", "number", "practic"),
        ("what do somerset GPs arrange at home for people who are short of breath", None, None),
        ("who runs the clinics for patients who have leg ulcers", "who", None),
        ("Which national bodies are supporting the GP pathfinders?", "who", None),
        ("Whats the name of the GP commisioning group in Plymouth?", "who", None),
        ("what is the name of the clinic manager", "person", None),
        ("what was the name of the peer support scheme", None, None),
    ],
)
def test_the_kind_of_value_and_the_counted_thing_as_staff_ask(
    question: str, kind: str, focus: str | None
) -> None:
    from askcases.qa.questions import expected_type

    assert expected_type(question) == kind
    assert focus_noun(question) == focus


def test_a_misspelt_common_word_is_no_name_and_a_close_word_is_no_misspelling() -> None:
    vocabulary = {"bexley": 2, "complex": 4, "scan": 3}
    same = lambda t: t  # noqa: E731
    assert correct_spelling("where do bexley patients go for thier scans", vocabulary, same) == (
        "where do bexley patients go for their scans"
    )
    assert correct_spelling("how many chemsits took part", vocabulary, same) == (
        "how many chemist took part"
    )
    assert correct_spelling("which complication", vocabulary, same) == "which complication"


def test_a_misspelling_whose_stem_is_far_from_the_words_is_read_by_the_whole_word() -> None:
    from askcases.text.lexicon import stem

    # "hosptial" stems to itself, "hospital" to "hospit": the stems are three letters apart
    vocabulary = {stem("hospital"): 5, stem("catheter"): 2, "clinic": 4}
    same = lambda t: t  # noqa: E731
    assert correct_spelling("clinics outside hosptial", vocabulary, same) == (
        "clinics outside hospital"
    )
    assert correct_spelling("cathter infections", vocabulary, same) == "catheter infections"
    # one edit from a word the library has comes before a stem one letter from another stem
    # ("propot" is one letter from "propos", of "proposal")
    library = {stem("proportion"): 2, stem("proposal"): 3}
    assert correct_spelling("what propotion of people", library, same) == (
        "what proportion of people"
    )


def test_a_form_of_an_english_word_is_no_misspelling_of_a_library_word() -> None:
    from askcases.text.lexicon import stem

    same = lambda t: t  # noqa: E731
    # "dads" is the plural of "dad", not "days" misspelt
    assert correct_spelling("how many dads were seen", {stem("days"): 9}, same) == (
        "how many dads were seen"
    )
    # an English word one letter away comes before a library word whose written form is further
    # ("sucess" is "success", not the library's "secession")
    secession = {stem("secession"): 2}
    assert correct_spelling("whats the sucess rate", secession, lambda t: "secession") == (
        "whats the success rate"
    )


def test_words_after_in_or_of_that_name_no_place() -> None:
    from askcases.qa.spelling import names_in_lower_case

    vocabulary = {"team": 3, "rang": 1}

    def names(question: str) -> list[str]:
        return names_in_lower_case(question, vocabulary, lambda term, word=None: False)

    assert names("how quickly does the team get back once people are in touch") == []
    assert names("we are thinking of copying the model") == []
    assert names("did the pilot improve time in therapeutic range") == []
    assert names("who runs the clinics in leeds") == ["leeds"]
    # "in absolute numbers", "in real terms": a common phrase, not a place
    assert names("in absolute numbers, how many people are covered") == []
    assert names("what did it save in real terms") == []

    # "how long" asks a question, though the library writes "Long COVID" as a name
    def written_as_names(term: str, word: str | None = None) -> bool:
        return True

    assert names_in_lower_case("how long do people wait", {"long": 4}, written_as_names) == []
    # a word most service articles use ("long") is a name in lower case only after a place word
    assert names_in_lower_case("long covid waits", {"long": 4}, written_as_names) == []
    assert names_in_lower_case("wigan stroke savings", {"wigan": 4}, written_as_names) == ["wigan"]
    # after "of", a word of everyday English is no place the library lacks
    assert names("trying to get a sense of scale for phlebotomy demand") == []
    assert names("what did the hospitals of leicester do about waits") == ["leicester"]
    # "for profit" is a phrase
    assert names("dvt provider what type of organisation not for profit or social enterprise") == []
    assert names("clinics for leeds patients") == ["leeds"]
    # "for money" is a phrase
    assert names("our practice may bid for money too") == []
    # where a service is seen is no place: "seen in store", "at the clinic"
    assert names("average wait to be seen in store") == []
    assert names("how many are seen in clinic each week") == []


def test_an_acronym_the_library_says_in_other_words_is_not_missing(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "eczema.txt": (
                "Children's eczema nurses in Lenwick\n\n3 March 2024\n\n"
                "Missed appointments fell from 18% to 9% once clinics moved to children's "
                "centres.\n"
            ),
            "stroke.txt": (
                "Stroke care at home in Wigan\n\n1 May 2012\n\n"
                "Wigan cut stroke stays from 56 to 12 days, saving £700,000 a year.\n"
            ),
        },
    )
    answer = Assistant(settings, embeddings).ask("which services reduced DNAs")
    assert "None of the case studies mentions" not in answer.answer
    # answered, or refused on the evidence with the eczema clinics' passage offered first
    assert "18%" in answer.answer or "eczema nurses in Lenwick [1]" in answer.answer


def test_staff_shorthand_and_first_words_are_read_as_meant() -> None:
    from askcases.qa.questions import expected_type, holds_type
    from askcases.qa.spelling import names_in_lower_case

    # "how many moved their checks" counts people
    assert focus_noun("how many moved their INR checks to the chemist") == "peopl"
    # a contraction is no typo
    assert correct_spelling("so we're thinking", {"wear": 2}, lambda t: t) == "so we're thinking"
    # "type of" names a kind, even where the library writes "Type 2"
    assert names_in_lower_case("what type of scan", {"type": 2}, lambda t, w=None: True) == []
    # "a months-long wait" gives no length of time
    assert expected_type("what's the wait now") == "duration"
    assert not holds_type("duration", "They no longer face a months-long wait.", "the wait")
    # "who does the home visits" is answered by the staff who do them, "who runs it" by a body
    visits = "where physios go and treat patients in their own home."
    assert holds_type("who", visits, "Who does home visits for back pain patients?")
    assert not holds_type("who", visits, "who runs the back pain service")


def test_a_library_name_opening_the_question_is_a_place(assistant: Assistant) -> None:
    assert "Wigan" in assistant.read("Wigan stroke savings?").names
    assert assistant.read("What did Wigan save?").names == ("Wigan",)


def test_an_acronym_beside_a_place_the_library_has_is_shorthand(assistant: Assistant) -> None:
    answer = assistant.ask("how many PBs do the community clot clinics in Bristol have")
    assert "None of the case studies mentions" not in answer.answer
    alone = assistant.ask("who runs the PBX clinics")
    assert alone.refused and "mentions PBX" in alone.answer


def test_how_many_asks_for_a_count_that_no_share_or_length_of_time_gives() -> None:
    from askcases.qa.questions import expected_type, holds_type

    asked = "how many people got new hearing aids"
    assert expected_type("How many GP appointments is the pilot estimated to have saved?") == (
        "number"
    )
    assert not holds_type("number", "Six months after fitting, 88% still wore them.", asked)
    assert holds_type("number", "2,710 people were fitted with new hearing aids.", asked)
    assert holds_type("percent", "It fell from about one in six to one in ten.", "what % smoke")


def test_a_month_range_is_a_period_and_a_short_form_names_the_librarys_place(
    assistant: Assistant,
) -> None:
    from askcases.qa.spelling import names_in_lower_case
    from askcases.text.lexicon import named_terms

    assert named_terms("what did the heart service cost Jul-Sep?") == []
    assert "Nottinghamshire" in assistant.read("how many diabetics are the notts GPs seeing").names
    assert (
        names_in_lower_case("the drop in residents going to hospital", {}, lambda t, w=None: False)
        == []
    )


def test_another_place_in_a_sentence_keeps_the_lead_from_naming_it() -> None:
    from askcases.qa.extractive import _names_another_place
    from askcases.qa.questions import read_question

    asked = read_question("By how much did Bedfordshire cut emergency admissions?", {})
    assert _names_another_place("In Newcastle admissions fell by 70 per cent.", asked)
    assert not _names_another_place("Admissions fell by 40 per cent.", asked)
    assert not _names_another_place("In Bedfordshire visits fell by 40 per cent.", asked)


@pytest.mark.parametrize(
    ("article", "question", "sentence", "marked", "unmarked"),
    [
        pytest.param(
            "GPs bring heart scans closer to home\n\n4 April 2011\n\n"
            "In Bexley, GPs have put in place a new service which cuts the wait for a "
            "diagnosis of heart disease from nine months to three weeks. The service uses "
            "a clinic in Harley Street to provide the scans, which are cheaper than "
            "hospital tests.\n\n"
            "In Croydon, GPs have organised ultrasound in their own practices.\n",
            "where do bexley patients go for heart scans",
            "Harley Street",
            "gives a place value",
            "does not name",
            id="a sentence goes on from the one before",
        ),
        pytest.param(
            "Lung patients breathe easier as rehab classes move into leisure centres\n\n"
            "RAVENSHOLT, 4 June 2024 - Far more people with lung disease are finishing "
            "their rehabilitation courses since classes moved into leisure centres.\n\n"
            "The average wait from referral to first class fell from 19 weeks to 7 weeks.\n",
            "Ravensholt lung rehab - how long is the wait now",
            "19 weeks to 7 weeks",
            "gives a duration value",
            "does not name",
            id="a dateline's place holds for the article's sentences",
        ),
        pytest.param(
            "Ear wax removal returns to Stallbridge surgeries\n\n"
            "Five GP surgeries in Stallbridge started offering ear wax removal again.\n\n"
            "Referrals to hospital for wax removal have fallen from 88 a month to 26.\n\n"
            "Nationally, around 40% of wax referrals are avoidable.\n",
            "what share of wax referrals in Stallbridge were avoidable",
            "Nationally",
            "a national comparison",
            "counts what is asked",
            id="a national comparison is marked as one",
        ),
        pytest.param(
            "Steady Steps falls classes in Marshcote\n\n"
            "Steady Steps began in four church halls in central Marshcote.\n\n"
            "Anyone aged 65 or over who is registered with a Marshcote GP can join if they "
            "have fallen in the past 12 months.\n",
            "marshcote steady steps falls classes who is eligible",
            "Anyone aged 65",
            "gives an eligibility value",
            "gives no",
            id="who may use a service is the eligibility asked for",
        ),
    ],
)
def test_a_sentence_is_read_with_what_surrounds_it(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    article: str,
    question: str,
    sentence: str,
    marked: str,
    unmarked: str,
) -> None:
    scored = _scored(tmp_path, embeddings, article, question)
    found = next(c for c in scored if sentence in c.text)
    assert marked in found.why
    assert not any(unmarked in why for why in found.why)


_TWO_TOWNS = (
    "Urgent community response in Ravelstoke and Fennimoor, 2023/24\n\nJuly 2024\n\n"
    "The ICB commissions urgent community response from two providers and sets their results "
    "side by side.\n\n"
    "RAVELSTOKE\n\n"
    "The Ravelstoke team is run by Ravelstoke Community NHS Trust.\n\n"
    "- The team received 3,120 referrals in 2023/24.\n"
    "- Only 14% of people seen were conveyed to hospital.\n\n"
    "FENNIMOOR\n\n"
    "Fennimoor's service is provided by Fennimoor Health Alliance, a GP federation.\n\n"
    "- The team received 1,870 referrals in 2023/24.\n"
    "- Just 9% of people seen were conveyed to hospital.\n"
)


@pytest.mark.parametrize(
    ("town", "ours", "theirs"),
    [("Fennimoor", "9%", "14%"), ("Ravelstoke", "14%", "9%")],
)
def test_a_section_heading_names_the_place_of_the_lines_below_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings, town: str, ours: str, theirs: str
) -> None:
    question = f"what share of people seen by the {town} team were conveyed to hospital"
    scored = _scored(tmp_path, embeddings, _TWO_TOWNS, question)
    mine = next(c for c in scored if f" {ours} of people" in f" {c.text}")
    other = next(c for c in scored if f" {theirs} of people" in f" {c.text}")
    assert mine.score > other.score
    assert any("does not name" in why for why in other.why)
    assert not any("does not name" in why for why in mine.why)


_THREE_SERVICES = (
    "Holmbury Community Health NHS Trust: annual report 2023/24\n\n"
    "Section 4.3: Performance of our community therapy services\n\n"
    "This section reports on three of the services we run across Holmbury: adult podiatry, the "
    "bladder and bowel (continence) service, and children's speech and language therapy.\n\n"
    "4.3.1 Adult podiatry\n\n"
    "The podiatry service treats adults with foot problems that put them at risk.\n\n"
    "Waiting time: the wait for a routine first appointment came down from 14 weeks to 8 "
    "weeks.\n\n"
    "4.3.2 Bladder and bowel (continence) service\n\n"
    "The continence service assesses and treats adults with bladder and bowel problems.\n\n"
    "A review of continence product prescribing, which moved around 1,100 patients to "
    "better-fitting products, saved £142,000 in the year.\n\n"
    "4.3.3 Children's speech and language therapy\n\n"
    "The wait from referral to first assessment rose from 26 weeks to 31 weeks.\n"
)


@pytest.mark.parametrize(
    ("name", "article", "theirs", "ours", "figure"),
    [
        (
            "ucr.txt",
            _TWO_TOWNS.replace("- Just 9% of people seen were conveyed to hospital.\n", ""),
            "what share of people seen by the Fennimoor team went to hospital",
            "what share of people seen by the Ravelstoke team went to hospital",
            "14%",
        ),
        (
            "holmbury.txt",
            _THREE_SERVICES,
            "how much money did the Holmbury podiatry service save",
            "how much money did the Holmbury continence service save",
            "£142,000",
        ),
    ],
    ids=["under-another-place-s-heading", "under-another-numbered-part"],
)
def test_a_figure_of_another_part_of_an_article_does_not_answer_for_this_one(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    name: str,
    article: str,
    theirs: str,
    ours: str,
    figure: str,
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, name, article)
    refused = assistant.ask(theirs)
    assert refused.refused and figure not in refused.answer.split("closest passages")[0]
    answered = assistant.ask(ours)
    assert not answered.refused and figure in answered.answer


def test_a_numbered_sub_part_is_a_heading_and_its_number_no_figure() -> None:
    from askcases.text.sentences import is_section_heading

    assert is_section_heading("4.3.1 Adult podiatry")
    assert not is_section_heading("4.3 million people were seen")


def test_a_role_or_a_location_asked_in_short_is_read_as_meant() -> None:
    from askcases.qa.questions import expected_type, holds_type

    assert expected_type("ellerscombe iv abx clinical lead who") == "person"
    assert expected_type("virtual ward clinical hub location") == "place"
    assert holds_type("place", "It is based at the fire station on Canal Street.", "where")
    # a month is no place: "approved by the ICB in January 2023"
    assert not holds_type("place", "The case was approved by the ICB in January 2023.", "where")


def test_a_short_line_with_a_figure_is_read_with_the_heading_above_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    slides = (
        "Tarrowby first contact physiotherapy: year one review\n\nMarch 2025\n\n"
        "Slide 3: The model\n"
        "Four physiotherapists rotate across all practices in the network.\n"
        "Slide 4: Activity - Year 1\n"
        "6,840 appointments\n"
        "5,210 individual patients\n"
        "Slide 9: Next steps - Year 2\n"
        "Target: 8,000 appointments\n"
    )
    answer = _beside_wigan(tmp_path, embeddings, "slides.txt", slides).ask(
        "How many physio appointments did Tarrowby deliver in the first year?"
    )
    assert not answer.refused and answer.answer.startswith("6,840 appointments")
    # the target may follow, marked as a projection
    assert all(c.status == "projected" for c in answer.citations if "8,000" in c.quote)


def test_an_acronym_the_library_never_writes_is_read_as_the_words_that_spell_it(
    assistant: Assistant,
) -> None:
    for written in ("B&NES", "BaNES"):  # a lower-case letter between capitals is one too
        answer = assistant.ask(
            f"how much is the {written} heart failure blood test expected to save"
        )
        assert "Bath and North East Somerset" in answer.resolved_question
        assert not answer.refused and "£60,000" in answer.answer


def test_a_describing_word_made_from_a_name_names_only_the_name(assistant: Assistant) -> None:
    from askcases.text.lexicon import named_terms

    assert named_terms("what did the GP-led scans in Bexley do to waits") == ["Bexley"]
    assert named_terms("the Bexley-based scan clinic") == ["Bexley"]
    answer = assistant.ask("What did the GP-led heart scans in Bexley do to diagnosis waits?")
    assert not answer.refused and "three weeks" in answer.answer


_DASHBOARD = (
    "Dunwold Community Services: Quarterly Performance Dashboard\n\nOctober 2024\n\n"
    "## Service 1: Community IV therapy service, Dunwold\n\n"
    "Service started: 6 June 2022.\n\n"
    "| Indicator | Target | Q2 actual |\n|---|---|---|\n"
    "| Patients treated | 300 | 326 |\n\n"
    "## Service 2: Community heart failure service, Dunwold\n\n"
    "Service started: 1 November 2021.\n\n"
    "| Indicator | Target | Q2 actual |\n|---|---|---|\n"
    "| Patients treated | 200 | 214 |\n"
)


@pytest.mark.parametrize(
    ("service", "ours", "theirs"),
    [("heart failure", "1 November 2021", "6 June 2022"), ("IV therapy", "6 June 2022", "1 N")],
)
def test_a_section_heading_counts_for_the_lines_below_it_as_a_title_does(
    tmp_path: Path, embeddings: MiniLMEmbeddings, service: str, ours: str, theirs: str
) -> None:
    question = f"when did the Dunwold community {service} service start"
    scored = _scored(tmp_path, embeddings, _DASHBOARD, question, name="dashboard.md")
    mine = next(c for c in scored if ours in c.text)
    other = next(c for c in scored if theirs in c.text)
    assert mine.lexical > other.lexical and mine.score > other.score


def test_a_word_for_the_form_of_a_paper_names_no_topic(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "dashboard.md": _DASHBOARD,
            "stroke.txt": _WIGAN,
            "other.txt": _WIGAN.replace("Wigan", "Leigh"),
        },
    )
    assistant = Assistant(settings, embeddings)
    read = assistant.read("for my quarterly update: what did Wigan cut stroke stays to")
    assert "quarterly" not in assistant.topics(read)
    answer = assistant.ask("for my quarterly update: what did Wigan cut stroke stays to")
    assert not answer.refused and "12 days" in answer.answer


_WARD = (
    "Harwick virtual ward: a year of hospital care at home\n\nMay 2024\n\n"
    "The Harwick virtual ward admitted 1,286 patients in 2023/24.\n\n"
    "In 2023/24, 97 virtual ward patients were readmitted to hospital within 30 days.\n"
)


def test_what_a_sentence_says_of_the_asked_thing_beyond_names_is_measured(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    # the refusal model reads it: a sentence full of Harwick's names that says nothing of
    # declined beds does not say what is asked
    near_miss = _scored(
        tmp_path / "a", embeddings, _WARD, "how many patients declined a bed on the Harwick ward"
    )
    asked = _scored(
        tmp_path / "b", embeddings, _WARD, "how many Harwick ward patients were readmitted"
    )
    assert max(c.asked for c in near_miss) < 0.75  # "declined" and "bed" are said nowhere
    said = next(c for c in asked if "readmitted" in c.text)
    unsaid = next(c for c in asked if "admitted 1,286" in c.text)
    assert said.asked == 1.0 > unsaid.asked


def test_a_county_written_short_is_the_county_and_no_typo_of_a_shorter_word(
    assistant: Assistant,
) -> None:
    question = assistant.read("When did Bristol, North Somerset and South Glos CCG move DVT care?")
    # not "corrected" to the library's "go", but written out as the library writes it
    assert "South Gloucestershire" in question.text
    answer = assistant.ask("When did Bristol, North Somerset and South Glos CCG move DVT care?")
    assert not answer.refused and "May 2019" in answer.answer
    assert correct_spelling("South Glos", {"go": 4}, lambda t: t) == "South Glos"


def test_an_office_of_state_is_no_place_and_a_sum_of_money_counts_nothing() -> None:
    from askcases.qa.questions import read_question
    from askcases.text.lexicon import named_terms

    assert named_terms("Which Secretary of State announced the fourth wave?") == []
    question = read_question(
        "finance want hard numbers, so how much does Wigan save each year from its stroke changes",
        {},
    )
    assert question.kind == "money" and question.focus is None


def test_the_kind_of_thing_a_which_question_asks_for_is_not_asked_to_be_said(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    from askcases.qa.questions import asked_head

    assert asked_head("which specialty did they move into the community") == "specialty"
    clinic = (
        "Pelbury community services\n\nMay 2024\n\n"
        "The Pelbury consortium moved its ophthalmology clinics out of hospital into the "
        "community.\n\nThe consortium also runs a weekly falls class at the leisure centre.\n"
    )
    ranked = _scored(
        tmp_path, embeddings, clinic, "which specialty did pelbury move into the community"
    )
    # the answer names a specialty ("ophthalmology"), never the word "specialty"
    assert "ophthalmology" in ranked[0].text and ranked[0].asked == 1.0


_SIGHT = (
    "Optometrists take on glaucoma checks in Dunholme\n\nMarch 2024\n\n"
    "Dunholme's glaucoma project moved stable patients' monitoring from the hospital eye "
    "clinic to twelve high street opticians.\n\n"
    "The project was paid for by the Harrowgate Vision Trust, a local eye charity.\n\n"
    "The grant was £186,000 over two years.\n\n"
    "Patients waited 9 weeks for a check, against 31 weeks at the hospital.\n"
)


def test_a_question_of_two_asks_gets_both_answers_each_cited_once(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "sight.txt", _SIGHT)
    answer = assistant.ask(
        "Our practice may bid for money too, so which charity paid for the Dunholme glaucoma "
        "project and how much was the grant?"
    )
    assert not answer.refused
    assert "Harrowgate Vision Trust" in answer.answer and "£186,000" in answer.answer
    numbers = [c.n for c in answer.citations]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len({(c.start, c.end) for c in answer.citations}) == len(numbers)
    for c in answer.citations:  # each marker's quote is the sentence it follows
        assert f"[{c.n}]" in answer.answer
        assert answer.passages[c.passage - 1].doc_id == c.doc_id
    off = Assistant(assistant.settings.model_copy(update={"matching_off": "asks"}), embeddings)
    whole = off.ask(
        "Our practice may bid for money too, so which charity paid for the Dunholme glaucoma "
        "project and how much was the grant?"
    )
    assert not ("Harrowgate Vision Trust" in whole.answer and "£186,000" in whole.answer)


_FOOT = (
    "Mardwick foot protection service: first year\n\nJune 2023\n\n"
    "The foot protection service is commissioned as a community service from Mardwick Community "
    "Health Services NHS Trust.\n\n"
    "North Vale Integrated Care Board commissions the Mardwick foot protection service.\n\n"
    "The foot protection service opened in April 2022 and saw 1,200 patients in its first year.\n"
)


def test_which_icb_is_answered_by_a_sentence_that_names_one(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    answer = _beside_wigan(tmp_path, embeddings, "foot.txt", _FOOT).ask(
        "Which ICB commissions the Mardwick foot protection service?"
    )
    assert not answer.refused
    assert "North Vale Integrated Care Board" in answer.answer
    assert "commissioned as a community service" not in answer.answer


def test_a_sentence_of_another_year_than_the_one_asked_about_says_none_of_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Antibiotics at home in Ellerscombe\n\n1 May 2024\n\n"
        "Since October 2021, people in Ellerscombe have had IV antibiotics at home.\n\n"
        "In the last financial year, 2023/24, the team treated nearly two hundred patients.\n"
    )
    asked = "How many patients did the Ellerscombe team treat in its first year (2021/22)?"
    best = _scored(tmp_path / "first", embeddings, article, asked)[0]
    assert "2023/24" in best.text and "names another year" in best.why and best.asked == 0.0
    latest = "How many patients did the Ellerscombe team treat in 2023/24?"
    best = _scored(tmp_path / "latest", embeddings, article, latest)[0]
    assert "2023/24" in best.text and "names another year" not in best.why and best.asked > 0.5
    # nor is it quoted as the answer
    settings = _library(tmp_path / "asked", embeddings, {"iv.txt": article})
    answer = Assistant(settings, embeddings).ask(asked)
    assert "two hundred" not in answer.answer
    assert "two hundred" in Assistant(settings, embeddings).ask(latest).answer


def test_a_projection_is_no_answer_to_what_has_been_done(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "menopause.txt": (
                "Community menopause clinic in Tewsbury: the first year\n\n2 March 2025\n\n"
                "The clinic saw 1,240 women in its first year at two sites.\n\n"
                "From spring 2025 we plan to offer coil fitting at both sites, which we expect to "
                "provide around 900 fittings a year.\n"
            ),
            "stroke.txt": _WIGAN,
        },
    )
    assistant = Assistant(settings, embeddings)
    question = "How many coil fittings has the Tewsbury menopause clinic done so far?"
    assert "not what has been done" in _refuses(assistant, question, "900").answer
    _answers(assistant, "How many coil fittings is the Tewsbury clinic expected to do?", "900")


def test_a_date_a_plan_looks_ahead_to_is_no_answer_to_when_something_happened(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    answer = _asked_beside_wigan(
        tmp_path,
        embeddings,
        "esd.md",
        (
            "# Harrowby stroke Early Supported Discharge (ESD): two-year review\n\n"
            "2.1 The ESD service was launched on 3 October 2022.\n\n"
            "2.2 The extension to Wensley is expected to start taking patients in March "
            "2026.\n"
        ),
        "When did the Harrowby early supported discharge team start taking patients?",
    )
    assert "March 2026" not in answer.answer
    if not answer.refused:
        assert "3 October 2022" in answer.answer


def test_a_saving_or_a_visit_s_cost_is_no_answer_to_what_a_service_costs_to_run(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Virtual fracture clinic in Hexbury: first year\n\n4 April 2024\n\n"
        "Each virtual review costs £48, compared with £196 for a face-to-face appointment.\n\n"
        "By cutting appointments, the virtual clinic is estimated to save the Trust £340,000 a "
        "year.\n"
    )
    settings = _library(tmp_path / "without", embeddings, {"vfc.txt": article})
    asked = "What does the Hexbury virtual fracture clinic cost to run each year?"
    answer = Assistant(settings, embeddings).ask(asked)
    assert "£48" not in answer.answer and "£340,000" not in answer.answer
    running = article + "\nThe virtual clinic costs £95,000 a year to run.\n"
    settings = _library(tmp_path / "with", embeddings, {"vfc.txt": running})
    assert "£95,000" in Assistant(settings, embeddings).ask(asked).answer
    # and what a year costs is no answer to what one review costs
    year_only = running.replace(
        "Each virtual review costs £48, compared with £196 for a face-to-face appointment.\n\n", ""
    )
    settings = _library(tmp_path / "year", embeddings, {"vfc.txt": year_only})
    single = Assistant(settings, embeddings).ask("cost of a single virtual review hexbury")
    assert "£95,000" not in single.answer
    single = Assistant(
        _library(tmp_path / "unit", embeddings, {"vfc.txt": running}), embeddings
    ).ask("cost of a single virtual review hexbury")
    assert "£48" in single.answer


def test_a_word_of_the_askers_situation_is_no_name_the_answer_must_mention(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "ucr.txt": (
                "Urgent community response in Quenby\n\n18 June 2024\n\n"
                "The Quenby urgent community response team is commissioned by Brennard Vale ICB, "
                "which funds it with £2.6m a year.\n\n"
                "It reached 84% of patients within two hours in 2023/24.\n"
            ),
            "minutes.txt": (
                "Commissioning committee minutes\n\n9 May 2024\n\n"
                "Present: the Chair, the Head of Primary Care and the Director of Finance.\n\n"
                "The committee agreed to extend the Carnby hearing contract for a year.\n"
            ),
        },
    )
    answer = Assistant(settings, embeddings).ask(
        "I'm new in post and trying to get my head round who pays for what - how much funding "
        "does the Quenby urgent community response team get a year?"
    )
    assert not answer.refused and "£2.6m" in answer.answer


def test_a_target_is_no_result_reported(tmp_path: Path, embeddings: MiniLMEmbeddings) -> None:
    article = (
        "Skin care closer to home: community dermatology in Lanfield\n\n4 March 2024\n\n"
        "- 2,731 (44%) were managed wholly in the community hubs without a hospital "
        "appointment.\n\n"
        "- Year 2 target: 50% of referrals managed wholly in the community.\n"
    )
    scored = _scored(
        tmp_path, embeddings, article, "lanfield derm referrals managed fully in community %"
    )
    result = next(c for c in scored if c.text.startswith("2,731 (44%)"))
    target = next(c for c in scored if c.text.startswith("Year 2 target"))
    assert "reports a result" in result.why and "reports a result" not in target.why


def test_a_question_about_a_plan_is_answered_by_the_plan(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Thornbarrow pharmacies treat water infections\n\n"
        "Under the scheme, 17 community pharmacies across Thornbarrow can assess women with "
        "symptoms of an uncomplicated urinary tract infection and supply antibiotics without a "
        "GP prescription. In the first six months, pharmacists carried out 1,936 consultations. "
        "Local pharmacists hope to add a further 5 pharmacies to the scheme, aiming for 22 in "
        "total, and to offer evening and weekend cover within a year.\n"
    )
    answer = _asked_beside_wigan(
        tmp_path,
        embeddings,
        "thornbarrow-uti.txt",
        article,
        "How many pharmacies is Thornbarrow aiming to have in the UTI scheme altogether?",
    )
    assert not answer.refused and "aiming for 22 in total" in answer.answer


def test_a_question_about_then_and_now_quotes_both_halves(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Ear care clinic opens in Wrayford health centre\n\n"
        "The community ear care clinic at Wrayford Health Centre opened in May 2023.\n\n"
        "The average wait for a first appointment at the Wrayford hub is now 3 weeks.\n\n"
        "Until 2023 the hospital service had a waiting list of 19 weeks.\n\n"
        "The clinic is run by a team of four audiologists.\n"
    )
    answer = _asked_beside_wigan(
        tmp_path,
        embeddings,
        "wrayford-ear.txt",
        article,
        "A patient asked me how long she'd wait at the ear hub in Wrayford rather than going to "
        "the hospital - what's the wait for a first appointment at the hub now, and how does "
        "that compare with what the hospital wait used to be?",
    )
    assert not answer.refused
    assert "now 3 weeks" in answer.answer and "19 weeks" in answer.answer


def test_what_it_costs_to_run_is_no_answer_to_what_it_cost_to_set_up(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Community heart failure nurses in Ardlow\n\n4 April 2024\n\n"
        "The nursing team costs £520,000 a year to run.\n\n"
        "Admissions for heart failure fell by a fifth in the first year.\n"
    )
    settings = _library(tmp_path / "without", embeddings, {"hf.txt": article})
    asked = "What did it cost to set up the Ardlow heart failure nursing team?"
    answer = Assistant(settings, embeddings).ask(asked)
    assert "£520,000" not in answer.answer
    started = article + "\nSet-up costs of £85,000 came from the ICB's transformation fund.\n"
    settings = _library(tmp_path / "with", embeddings, {"hf.txt": started})
    assert "£85,000" in Assistant(settings, embeddings).ask(asked).answer


def test_another_quarter_s_figure_is_no_answer(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "ECG hub in Haddonby: Q3 performance report\n\n10 January 2025\n\n"
        "Q3 expenditure was £187,400 against a quarterly budget of £195,000.\n\n"
        "Referrals rose for the third quarter running, to 2,231.\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "ecg.txt", article)
    other = assistant.ask("how much did the Haddonby ECG hub spend in Q2")
    assert other.refused and "£187,400" not in other.answer.split("closest")[0]
    assert "£187,400" in assistant.ask("how much did the Haddonby ECG hub spend in Q3").answer


@pytest.mark.parametrize(
    ("name", "article", "refused", "says", "answered", "fact"),
    [
        # a shortlisting does not say whether it won
        (
            "clots.txt",
            "Community clot clinic in Wrenford shortlisted\n\n2 March 2020\n\n"
            "The clot clinic has been shortlisted for a national Value Award. The winner will be "
            "announced on 21 May 2020 at a ceremony in Manchester.\n\n"
            "It has treated 4,000 patients since it opened.\n",
            "did the Wrenford clot clinic win the value award",
            "shortlisted, not whether it won",
            "when do we find out if the Wrenford clot clinic won the award",
            "21 May 2020",
        ),
        # only the state before is given: the "now" half of the question is not
        (
            "dornbrook-bloods.txt",
            "Community bloods in Dornbrook\n\n2 March 2021\n\n"
            "Before the pandemic, 18,000 bloods were taken every week at Dornbrook Hospital's "
            "outpatient clinics.\n\n"
            "Practices in Dornbrook now take bloods that hospital clinicians request.\n",
            "how many bloods a week are taken in Dornbrook now vs before?",
            "before",
            "how many bloods a week were taken in Dornbrook before the pandemic?",
            "18,000",
        ),
    ],
)
def test_half_of_what_is_asked_is_refused_saying_why_and_the_whole_is_answered(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    name: str,
    article: str,
    refused: str,
    says: str,
    answered: str,
    fact: str,
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, name, article)
    assert says in _refuses(assistant, refused).answer
    _answers(assistant, answered, fact)


def test_who_funds_it_is_answered_by_who_commissions_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    answer = _asked_beside_wigan(
        tmp_path,
        embeddings,
        "swelling.md",
        (
            "# Tillcombe lymphoedema clinic: information for patients\n\n"
            "Q: Who runs the clinic?\n\n"
            "A: The clinic is run by St Aldhelm's Hospice, Tillcombe, on behalf of the NHS. "
            "It is commissioned and paid for by NHS Coldmarsh Integrated Care Board, so there "
            "is no charge to patients.\n\n"
            "Q: Where is it?\n\n"
            "A: The clinic is on Level 2 of Tillcombe Health Centre, Station Road.\n"
        ),
        "Who provides the Tillcombe lymphoedema clinic and who funds it?",
    )
    assert "St Aldhelm's Hospice" in answer.answer
    assert "NHS Coldmarsh Integrated Care Board" in answer.answer


def test_the_years_a_question_asks_about_are_not_those_it_counts_from() -> None:
    from askcases.qa.extractive import years_named

    assert years_named("how many in its first year (2021/22)?", asked=True) == {2021, 2022}
    assert years_named("how many in 23/24 actually", asked=True) == {2023, 2024}
    assert years_named("how many since 2021", asked=True) == frozenset()
    assert years_named("12/13 patients were seen", asked=True) == frozenset()
    assert years_named("ntprobnp over 2000 seen within 2 weeks", asked=True) == frozenset()


def test_a_financial_year_is_not_answered_by_the_years_either_side_of_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    from askcases.qa.extractive import financial_years

    assert financial_years("fell from 19 in 2021/22 to 11 in 2023/24") == {2021, 2023}
    assert financial_years("amputations in 22/23 since 2019/20", asked=True) == {2022}
    assert financial_years("kelderby clinic outpatient savings 23/24", asked=True) == {2023}
    assert financial_years("23/24 vs 24/25 referrals", asked=True) == {2023, 2024}
    assert financial_years("savings 23/24") == frozenset()  # an article's years are written out
    settings = _library(
        tmp_path,
        embeddings,
        {
            "diabetes.txt": (
                "Community diabetes care in Edderby\n\n14 November 2024\n\n"
                "Major amputations among people with diabetes in Edderby fell from 19 in 2021/22 "
                "to 11 in 2023/24.\n"
            ),
            "stroke.txt": _WIGAN,
        },
    )
    assistant = Assistant(settings, embeddings)
    between = assistant.ask("edderby major diabetic amputations 2022/23")
    assert between.refused and "fell from 19" not in between.answer.split("closest")[0]
    latest = assistant.ask("edderby major diabetic amputations 2023/24")
    assert not latest.refused and "11 in 2023/24" in latest.answer


def test_a_number_of_thousands_in_a_question_is_found_with_its_comma() -> None:
    from askcases.text.lexicon import mentions

    assert mentions("2000", "patients with an NT-proBNP above 2,000 ng/L")
    assert mentions("2021", "in 2021, the clinic opened")
    assert not mentions("2000", "12,000 patients") and not mentions("2000", "2,0001")


def test_the_wait_before_the_service_does_not_answer_what_the_wait_is_now(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Heart clinic in Wetherstow: quarterly report\n\n1 October 2024\n\n"
        "A: Before the clinic opened, patients waited an average of 17 weeks for a first "
        "appointment at the hospital.\n\n"
        "The average wait from referral to first appointment was 4.5 weeks in Q2.\n"
    )
    ranked = _scored(tmp_path, embeddings, article, "how long is the wait now for a first appt")
    assert "4.5 weeks" in ranked[0].text
    before = next(c for c in ranked if "17 weeks" in c.text)
    assert "the state before the service" in before.why and before.asked == 0.0


def test_which_trust_is_answered_by_a_sentence_naming_a_trust(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "ridgeway-menopause.txt": (
                "Community menopause clinic in Ridgeway\n\n2 March 2024\n\n"
                "The Ridgeway menopause clinic is run by Ridgeway Health Federation and is "
                "commissioned by Ridgeway Integrated Care Board.\n\n"
                "A consultant gynaecologist at Ridgeway Hospitals NHS Trust provides advice and "
                "guidance to the clinic's GPs.\n"
            ),
        },
    )
    answer = Assistant(settings, embeddings).ask(
        "Which trust provides the specialist gynae backup for the Ridgeway menopause clinic?"
    )
    # the federation that runs the clinic and the ICB that pays for it are no trust
    assert "Health Federation" not in answer.answer
    if not answer.refused:
        assert "Ridgeway Hospitals NHS Trust" in answer.answer


def test_a_figure_still_to_be_reported_is_no_answer_to_what_was_achieved(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "hexley-ecg.txt": (
                "Community ECG hub in Hexley\n\n1 February 2025\n\n"
                "The did-not-attend rate at the Hexley ECG hub was 5.8% in the third quarter.\n\n"
                "Text message reminders at 7 days and 1 day before appointments were introduced "
                "in November; the effect on the did-not-attend rate will be reported in Q4.\n"
            ),
        },
    )
    assistant = Assistant(settings, embeddings)
    answer = assistant.ask("What was the did-not-attend rate after the Hexley text reminders?")
    assert "will be reported" not in answer.answer
    assert answer.refused or "5.8%" in answer.answer


def test_a_question_asking_now_against_before_takes_a_sentence_giving_both(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Community ECG hub in Hexley\n\n1 February 2025\n\n"
        "GP referrals to general cardiology outpatients averaged 205 a month in Q3, compared "
        "with 290 a month in 2022/23 before the hub opened.\n"
    )
    both = _scored(
        tmp_path / "both",
        embeddings,
        article,
        "how many GP referrals a month go to cardiology clinics now compared with before the hub",
    )
    pair = next(c for c in both if "205 a month" in c.text)
    assert "the state before the service" not in pair.why and pair.asked > 0
    # asked for the present alone, the sentence's "before the hub opened" still marks it
    now = _scored(
        tmp_path / "now", embeddings, article, "how many GP referrals a month go to cardiology now"
    )
    assert "the state before the service" in next(c for c in now if "205 a month" in c.text).why


def test_the_state_before_the_service_says_nothing_of_the_time_since_it_began(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Community blood tests in Hexley\n\n1 February 2025\n\n"
        "Prior to the pandemic, 18,000 blood tests a week were taken in hospital clinics.\n\n"
        "Practices now take 9,500 hospital-requested blood tests a week.\n"
    )
    scored = _scored(
        tmp_path, embeddings, article, "since the go live, how many blood tests a week in Hexley"
    )
    before = next(c for c in scored if "18,000" in c.text)
    assert "the state before the service" in before.why and before.asked == 0.0


def test_a_line_under_a_background_heading_is_the_state_before_for_a_change_question(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Community memory service in Hexley\n\n"
        "Slide 2: Why we changed\n"
        "- Average wait from referral to diagnosis: 31 weeks.\n\n"
        "Slide 5: Year one results\n"
        "- 1,236 referrals received.\n"
        "- Wait from referral to diagnosis fell from 31 weeks to 9 weeks.\n"
    )
    scored = _scored(
        tmp_path,
        embeddings,
        article,
        "How has the wait for a dementia diagnosis changed in Hexley?",
    )
    before = next(c for c in scored if "Average wait" in c.text)
    after = next(c for c in scored if "fell from 31 weeks" in c.text)
    assert "the state before the service" in before.why
    assert "the state before the service" not in after.why
    assert after.score > before.score


def test_a_which_icb_answer_stands_out_among_the_sentences_that_name_one(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "moorgrave-outreach.txt": (
                "Street health team in Moorgrave\n\n3 May 2024\n\n"
                "The Moorgrave rough sleeper health team funds its outreach van from a charity "
                "grant and runs clinics in five hostels.\n\n"
                "The service is commissioned by Moorgrave and Lowfield Integrated Care Board.\n"
            ),
        },
    )
    answer = Assistant(settings, embeddings).ask(
        "which ICB funds the moorgrave rough sleeper health team"
    )
    # the sentence that names no ICB scores higher but cannot answer: it is no rival
    assert answer.evidence is not None and answer.evidence.margin > 0
    assert not answer.refused and "Lowfield Integrated Care Board" in answer.answer


_PATHFINDERS = (
    "Eye care pathfinders in Fernhollow\n\n4 June 2024\n\n"
    "40 groups of optometry practices across the county have come forward so they can see "
    "patients their GP would otherwise send to the hospital eye service.\n\n"
    "{restated}"
    "The pathfinders will be supported by the county's optical committee.\n"
)


def test_a_sentence_giving_the_same_figure_is_no_rival_to_the_answer(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    question = "How many eye care pathfinder groups are there?"
    restated = (
        '"We welcome the new groups, which take the total number of eye care pathfinders to 40," '
        "said the clinical lead.\n\n"
    )
    answers = []
    for name, said in (("once", ""), ("twice", restated)):
        settings = _library(
            tmp_path / name, embeddings, {"fernhollow.txt": _PATHFINDERS.format(restated=said)}
        )
        answers.append(Assistant(settings, embeddings).ask(question))
    once, twice = answers
    assert not once.refused and not twice.refused and "40 groups" in twice.answer
    # a second sentence saying 40 in other words makes the answer no less certain
    assert once.evidence is not None and twice.evidence is not None
    assert twice.evidence.margin == pytest.approx(once.evidence.margin, abs=0.05)


def test_a_wait_is_not_answered_by_another_length_of_time(assistant: Assistant) -> None:
    # the DVT article gives "journeys of six hours or more", no wait for treatment
    answer = assistant.ask("How long did patients wait for DVT treatment before the service?")
    assert "six hours" not in answer.answer


def test_a_table_row_cut_from_its_header_is_of_the_headers_years(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    rows = "".join(f"| Clinic {n} sessions held | {n} | {n + 3} |\n" for n in range(1, 40))
    settings = _library(
        tmp_path,
        embeddings,
        {
            "rehab.md": (
                "# Brindlecombe pulmonary rehabilitation dashboard\n\n12 May 2024\n\n"
                "Classes moved to three leisure centres in April 2022.\n\n"
                "| Measure | Baseline 2021/22 | Achieved 2023/24 |\n|---|---|---|\n"
                + rows
                + "| Completion rate (% of starters) | 52% | 68% |\n"
            ),
            "stroke.txt": _WIGAN,
        },
    )
    assistant = Assistant(settings, embeddings)
    tables = assistant.store.keywords.table_headers("rehab")
    assert [header for _, _, header in tables] == [
        "| Measure | Baseline 2021/22 | Achieved 2023/24 |"
    ]
    other = assistant.ask("brindlecombe pulmonary rehab completion rate 2022/23")
    assert other.refused and "52%" not in other.answer.split("closest")[0]
    asked = assistant.ask("brindlecombe pulmonary rehab completion rate 2023/24")
    assert not asked.refused and "68%" in asked.answer


def test_the_ranker_fit_reads_the_scored_sentences_of_each_question(
    assistant: Assistant,
) -> None:
    import sys

    from askcases.config import project_root
    from askcases.qa.extractive import RANK_FEATURES

    sys.path.insert(0, str(project_root() / "eval"))
    try:
        from fit_ranker import collect
    finally:
        sys.path.pop(0)
    questions = [
        {
            "id": "wigan",
            "question": "How much did Wigan cut stroke stays by?",
            "answerable": True,
            "facts": ["56", "12"],
            "evidence": ["from 56 to 12 days"],
        }
    ]
    rows = collect(assistant, questions, "test")
    assert [r["id"] for r in rows] == ["wigan"] and rows[0]["right"]
    cands = rows[0]["cands"]
    assert all(len(c["features"]) == len(RANK_FEATURES) for c in cands)
    assert any(c["label"] == 2 and "56" in c["text"] for c in cands)


@pytest.mark.parametrize(
    ("name", "article", "question", "halves"),
    [
        (
            "rounds.txt",
            (
                "GP ward rounds in Tillbury care homes\n\n3 June 2024\n\n"
                "Tillbury GP Federation now sends a named GP to each of the area's 19 care homes "
                "every week.\n\n"
                "Before the rounds began, residents of the homes were admitted to Tillbury "
                "Infirmary as emergencies an average of 52 times a month. That has now fallen to "
                "27 a month.\n\n"
                "Relatives have welcomed the change, with 88% saying they were happy.\n"
            ),
            "in Tillbury how many emergency admissions a month were there from the care homes "
            "before the GP rounds started, and how many after?",
            ("52 times a month", "27 a month"),
        ),
        (
            "thornbury-epilepsy.md",
            (
                "# Ten minutes with Thornbury's children's epilepsy nurses\n\n"
                "*Priya Shah leads the children's epilepsy nurse team at Thornbury Community "
                "Health. We asked her what has changed for families since the service began.*\n\n"
                "**Q: How did the service start?**\n\n"
                "A: We began in May 2022 with two nurses, funded by the local integrated care "
                "board as a pilot. Before that, children with epilepsy only saw a consultant in "
                "hospital clinic once or twice a year.\n\n"
                "**Q: What about waiting times?**\n\n"
                "A: After a new diagnosis, families used to wait around seven weeks before anyone "
                "sat down with them to explain epilepsy, safety and medication. Now the first "
                "nurse contact is within nine working days on average, and often it's the same "
                "week.\n\n"
                "**Q: And schools?**\n\n"
                "A: We trained 410 school staff in giving rescue medication last year.\n"
            ),
            "thornbury epilepsy nurses: how long from a new diagnosis to first contact with a "
            "nurse, what was it before and what is it now?",
            ("seven weeks", "nine working days"),
        ),
        (
            "elmsworth-heart-failure.txt",
            (
                "Heart failure nurses visit patients at home in Elmsworth\n\n"
                "A team of specialist nurses now visits heart failure patients at home across "
                "Elmsworth. Patients used to wait about six weeks for a first visit after being "
                "diagnosed. The wait is now under a fortnight. The team also runs clinics at "
                "three GP surgeries.\n"
            ),
            "elmsworth heart failure nurses - how long was the wait for a first home visit after "
            "diagnosis before, and how long is it now?",
            ("six weeks", "under a fortnight"),
        ),
        (
            "harbury-msk.txt",
            (
                "Harbury community MSK service: year two update\n\n"
                "The Harbury community MSK service brings physiotherapy and pain management "
                "together in two health centres.\n\n"
                "Before the service started, patients waited a median of 22 weeks for a routine "
                "physiotherapy appointment. In year one this fell to 9 weeks, and in year two it "
                "fell again to 5 weeks.\n"
            ),
            "harbury msk routine physio waits before, yr 1 and yr 2",
            ("22 weeks", "9 weeks", "5 weeks"),
        ),
    ],
    ids=[
        "figure-in-the-next-sentence",
        "before-and-now",
        "short-sentence-with-a-value",
        "a-wait-going-on-from-the-one-before",
    ],
)
def test_a_question_of_before_and_after_quotes_both_halves(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    name: str,
    article: str,
    question: str,
    halves: tuple[str, ...],
) -> None:
    answer = _asked_beside_wigan(tmp_path, embeddings, name, article, question)
    assert not answer.refused
    assert all(half in answer.answer for half in halves), answer.answer


def test_a_fortnight_is_a_length_of_time() -> None:
    from askcases.qa.questions import holds_type

    assert holds_type("duration", "The wait is now under a fortnight.", "how long")


# (article file, article, question, what the answer quotes, what it must not quote, if any)
_READ_IN_STAFF_WORDS = {
    # how something is paid for is the way, not the nearest sum of money
    "way of payment": (
        "ashcombe-bloods.txt",
        "Community blood tests move into Ashcombe surgeries\n\n3 March 2023\n\n"
        "For many years Ashcombe practices have taken bloods on behalf of the hospital without "
        "a contract for the work.\n\n"
        "The ICB negotiated an item of service fee so that practices are properly remunerated "
        "for taking the samples.\n\n"
        "Patients save £12 a visit in travel and parking by having bloods taken at their "
        "surgery.\n",
        "how do ashcombe practices get paid for doing the hospital's bloods",
        "item of service fee",
        "£12",
    ),
    # a season is a date
    "season": (
        "harrowgate-eyes.txt",
        "Harrowgate GPs plan a community eye service\n\n"
        "Harrowgate GP consortium has chosen ophthalmology as its first redesign.\n\n"
        "Working with the local trust's consultants, it has developed a community eye service "
        "which is due to open later in the autumn.\n\n"
        "The hospital eye clinic saw 4,200 new patients on 1 April 2022.\n",
        "when is the harrowgate community eye clinic due to open",
        "later in the autumn",
        None,
    ),
    # "any other name" is said by "otherwise known as"
    "other name": (
        "hexley-ward.txt",
        "Virtual ward in Hexley\n\n2 May 2024\n\n"
        "The Hexley virtual ward - otherwise known as hospital at home - cares for up to 40 "
        "frail patients in their own homes.\n\n"
        "It is staffed by community nurses and a consultant geriatrician.\n\n"
        "The ward opened in January 2024 after a six-month pilot.\n",
        "does the hexley virtual ward go by any other name",
        "hospital at home",
        None,
    ),
    # a count of blood tests is a count of bloods
    "bloods": (
        "pentreath-bloods.txt",
        "Community phlebotomy in Pentreath\n\n8 August 2022\n\n"
        "Prior to the pandemic, 9,000 bloods were taken every week across Pentreath's GP "
        "practices and the hospital outpatient clinic.\n\n"
        "The new service has 14 phlebotomists working from six surgeries.\n",
        "before covid, roughly how many blood tests a week were done across pentreath practices "
        "and the hospital",
        "9,000",
        None,
    ),
    # "which groups of patients" asks for kinds of patient, not a body
    "groups of patients": (
        "corlan-diabetes.txt",
        "Diabetes care moves into Corlan practices\n\n5 May 2021\n\n"
        "Most people with diabetes in Corlan are cared for by Corlan Hospitals NHS Trust.\n\n"
        "This means the hospital specialists cannot always focus on the most complex patients, "
        "for example Type 1, pump and antenatal patients.\n\n"
        "Virtual clinics in each practice will help GPs manage less complex patients.\n",
        "In Corlan, which groups of patients with diabetes should the hospital specialists be "
        "focusing on?",
        "antenatal",
        None,
    ),
    # the service named before a dash is what each of the asks after it is about
    "topic before a dash": (
        "halsterby-wheelchairs.md",
        "# Halsterby Integrated Care Board\n\n## 2. Background\n\n"
        "2.1 The new wheelchair service went live on 1 October 2023.\n\n"
        "2.2 The service employs 31 staff, including nine occupational therapists. "
        "Assessments take place at two centres, the main centre at Millbeck Park and a "
        "satellite clinic at Hatchmere.\n",
        "Halsterby wheelchair service - how many staff and how many assessment bases?",
        "two centres",
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(_READ_IN_STAFF_WORDS))
def test_a_question_in_staff_words_is_answered_by_the_sentence_that_says_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings, case: str
) -> None:
    name, article, question, quoted, not_quoted = _READ_IN_STAFF_WORDS[case]
    answer = _asked_beside_wigan(tmp_path, embeddings, name, article, question)
    assert not answer.refused
    assert quoted in answer.answer
    assert not_quoted is None or not_quoted not in answer.answer


def test_a_count_of_adults_is_no_count_of_children(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Corlingham community sickle cell service\n\n13 March 2025\n\n"
        "The community sickle cell service started in June 2024.\n\n"
        "There are 286 adults on the Corlingham sickle cell register, and 241 of them have had a "
        "community review since the service started.\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "corlingham.txt", article)
    children = assistant.ask("How many children has the Corlingham sickle cell service seen?")
    assert children.refused
    adults = assistant.ask("How many adults has the Corlingham sickle cell service reviewed?")
    assert not adults.refused and "241" in adults.answer


def test_a_heading_word_another_title_capitalises_is_no_other_place(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    # "3. Performance" is a part of the paper, though another article's title is "Quality and
    # Performance Committee"; only headings that name another place set their part aside
    paper = (
        "# Halsterby Integrated Care Board\n\n## 1. Summary\n\n"
        "1.1 This paper reviews the first year of the Halsterby wheelchair service and compares "
        "performance with 2022/23.\n\n## 3. Performance\n\n"
        "3.1 The service handed over 1,915 wheelchairs in the year, against 1,480 in 2022/23.\n"
    )
    # a long paper whose title, and so every passage of it, writes "Performance" with a capital
    committee = "Corlingham Integrated Care Board - Quality and Performance Committee\n\n" + (
        "13 March 2025\n\n"
        + "".join(
            f"{n}. The committee noted the report on community service {n} and agreed that the "
            f"actions set out for the team in Corlingham were on track.\n\n"
            for n in range(1, 41)
        )
    )
    settings = _library(
        tmp_path,
        embeddings,
        {"halsterby.md": paper, "corlingham.txt": committee, "stroke.txt": _WIGAN},
    )
    answer = Assistant(settings, embeddings).ask(
        "How many wheelchairs were handed out to users in Halsterby in the first 12 months?"
    )
    assert not answer.refused and "1,915" in answer.answer


def test_the_state_before_a_service_is_no_answer_about_now(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Tolbury community scan clinic\n\n12 June 2024\n\n"
        "The Tolbury community scan clinic opened in the town's health centre in 2023.\n\n"
        "Before the clinic opened, around 300 patients a month travelled to the hospital for "
        "an ultrasound scan.\n\n"
        "The clinic is run by two sonographers.\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "tolbury.txt", article)
    since = assistant.ask("How many patients a month have a scan at the Tolbury clinic now?")
    assert since.refused
    assert "300" not in since.answer.split("The closest passages")[0]
    assert "before the service" in since.answer
    opened = assistant.ask(
        "Since the Tolbury clinic opened, how many patients a month have had a scan there?"
    )
    assert opened.refused and "before the service" in opened.answer
    before = assistant.ask(
        "Before the Tolbury clinic opened, how many patients a month went to the hospital for a "
        "scan?"
    )
    assert not before.refused and "300 patients a month" in before.answer


_CONTINENCE = (
    "Tewsbury Bladder and Bowel Service: evaluation summary, year one\n\n20 November 2024\n\n"
    "The service opened in January 2023 at Tewsbury Health Centre.\n\n"
    "New adult patients seen in year one: 1,284.\n\n"
    "The children's clinic is for ages 4 to 12; older children are seen by the school nurses.\n\n"
    "Dr Helen Marsh, continence nurse consultant, said: Patients no longer wait months to be "
    "seen.\n\n"
    "The service is commissioned by Tewsbury Integrated Care Board.\n"
)


def test_a_year_of_a_service_s_life_is_not_answered_by_another_year_s_figure(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "continence.txt", _CONTINENCE)
    first = assistant.ask("tewsbury continence new adult pts year one")
    assert not first.refused and "1,284" in first.answer
    second = assistant.ask("tewsbury continence new adult pts year 2")
    assert "1,284" not in second.answer


def test_words_that_restate_when_or_what_is_asked_need_not_be_said(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "continence.txt", _CONTINENCE)
    # "month yr" restates "when"; "range" is what the ages are, not a word the article uses
    launched = assistant.ask("tewsbury bladder and bowel service launch month yr")
    assert not launched.refused and "January 2023" in launched.answer
    ages = assistant.ask("What age range does the Tewsbury children's continence clinic cover?")
    assert not ages.refused and "4 to 12" in ages.answer


def test_the_clinician_quoted_is_the_one_who_speaks(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "continence.txt", _CONTINENCE)
    quoted = assistant.ask("Who's the clinician quoted about the Tewsbury continence service?")
    assert not quoted.refused and "Helen Marsh" in quoted.answer


def test_a_month_is_no_other_place_and_yr_is_a_year(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Fit Futures: your questions answered\n\n"
        "A guide for families about the Tewsbury children's healthy weight service\n\n"
        "Updated: March 2025\n\n"
        "Who runs it?\n\n"
        "The programme is delivered by Fenside Family Health.\n\n"
        "When did it start?\n\n"
        "The first groups began in September 2023.\n\n"
        "What does it cost?\n\n"
        "The service cost £1.26 million in its first year, slightly below the budget.\n"
    )
    scored = _scored(tmp_path / "month", embeddings, article, "When did the Tewsbury groups begin?")
    began = next(c for c in scored if "September 2023" in c.text)
    assert not any(why.startswith("does not name") for why in began.why)
    short = _scored(tmp_path / "yr", embeddings, article, "tewsbury weight service yr 1 spend")
    cost = next(c for c in short if "£1.26 million" in c.text)
    assert "yr" in cost.said or "year" in cost.said


def test_the_person_quoted_is_told_apart_from_sentences_that_name_no_one(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    # sentences about what the organisation did share more of the question's words, but only
    # the one that names a speaker says who spoke and in what role
    article = (
        "Community bloods successfully rolled out in Tewsbury\n\n1 June 2021\n\n"
        "Tewsbury Care has been involved in supporting general practice and system partners to "
        "develop a new process for taking bloods in community settings.\n\n"
        "The next steps will see Tewsbury Care analyse the data being collected to monitor the "
        "numbers of bloods being done and develop a dashboard for practices.\n\n"
        "Throughout the programme, Tewsbury Care has provided support for practices, in the form "
        "of regular communications and training.\n\n"
        'Board Coordinator Rosie Hallam said: "A huge thanks goes to Nicola Marsh (Board lead) '
        'for her leadership in the programme."\n'
    )
    assistant = _beside_wigan(tmp_path, embeddings, "bloods.txt", article)
    thanked = assistant.ask("tewsbury bloods programme person thanking colleagues job title")
    assert not thanked.refused and "Rosie Hallam" in thanked.answer
    spoke = assistant.ask("who was the tewsbury care spokesperson on the bloods rollout")
    assert not spoke.refused and "Rosie Hallam" in spoke.answer
    # the refusal model's margin is over the other sentences that name a person: none here
    assert spoke.evidence is not None and spoke.evidence.margin > 0.5


_GROUPS = (
    "More GP groups to lead the way in Tewsbury\n\n4th April 2011\n\n"
    "Health Secretary Andrew Marsh has today announced a fourth group of GPs ready to lead the "
    "way in Tewsbury.\n\n"
    "220 groups of GP practices across the county have come forward to commission services.\n\n"
    "In 2009 there were 120 groups of GP practices.\n\n"
    "In Tewsbury, GPs have organised a new service for people with back pain where physios go "
    "and treat patients in their own home.\n"
)


def test_the_year_an_article_is_dated_holds_for_its_sentences(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    question = "total number of tewsbury GP groups after the 2011 announcement"
    scored = _scored(tmp_path, embeddings, _GROUPS, question)
    dated = next(c for c in scored if c.text.startswith("220 groups"))
    assert not any(why.startswith("does not name") for why in dated.why)
    # a sentence that names another year is still of that year
    earlier = next(c for c in scored if c.text.startswith("In 2009"))
    assert any(why.startswith("does not name 2011") for why in earlier.why)


def test_pts_are_patients_and_a_secretary_a_minister(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "groups.txt", _GROUPS)
    works = assistant.ask("How does the Tewsbury back pain service work for pts?")
    assert not works.refused and "physios" in works.answer
    minister = assistant.ask("who was the minister that announced the new tewsbury GP groups")
    assert not minister.refused and "Andrew Marsh" in minister.answer


def test_how_common_asks_for_a_rate_and_names_no_measure(assistant: Assistant) -> None:
    # "common" is the question's way of asking for a rate: the sentence need not say it
    answer = assistant.ask("how common is DVT")
    assert not answer.refused and "1,000" in answer.answer


_ANTICOAG = (
    "Tewsbury community anticoagulation review\n\n26 March 2025\n\n"
    "1. This paper reports on the second year of the community anticoagulation service for "
    "people with atrial fibrillation, which pharmacists run for the primary care network. It "
    "sets out activity, outcomes and costs, and asks the committee to approve recurrent "
    "funding. Anticoagulation lowers the risk of stroke for people with atrial fibrillation, "
    "and regular reviews keep the dose right and pick up bleeding early. Before the service "
    "began, all reviews took place in the hospital's outpatient department, and many patients "
    "found the journey hard. Pharmacists now see patients closer to home, with the hospital "
    "team giving advice where a case is complex.\n\n"
    "2. The service started on 3 October 2022. Clinics run at Longmeadow Health Centre and "
    "St Aldric's Medical Practice, with home visits for housebound patients.\n\n"
    "At Longmeadow Health Centre, the average wait for a first review fell from 11 weeks to "
    "3 weeks.\n"
)


def test_a_name_written_with_its_possessive_is_a_name_the_answer_must_give(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    question = "st aldric's tewsbury first anticoag review wait"
    assistant = _beside_wigan(tmp_path, embeddings, "anticoag.txt", _ANTICOAG)
    assert "aldric" in assistant.read(question).names
    scored = _scored(tmp_path / "scored", embeddings, _ANTICOAG, question)
    other_site = next(c for c in scored if c.text.startswith("At Longmeadow"))
    assert "does not name aldric" in other_site.why
    site = assistant.ask("longmeadow tewsbury first anticoag review wait")
    assert not site.refused and "3 weeks" in site.answer


_EYES = (
    "More GP groups lead the way\n\n4th April 2011\n\n"
    "A fourth wave of GP commissioning groups has been announced today, bringing the number of "
    "groups of practices that plan and buy local services for their patients to 220. The "
    "groups cover nearly nine in ten people. They will work with local authorities and "
    "hospital consultants to redesign services so that more care is given closer to home, and "
    "they will share what they learn with each other through a national network. Each group "
    "has chosen a service to redesign first, and many have started with the care of long-term "
    "conditions, where patients visit hospital often.\n\n"
    "From the first waves there are further examples of local commissioning:\n\n"
    "  • Tewsbury Quality Care Consortium identified ophthalmology as an area where they could "
    "redesign services for the benefit of patients. Working together with consultants from "
    "their local acute trust, they have developed a community based ophthalmology service which "
    "is expected to start later in the spring. This will allow GPs and optometrists to refer "
    "patients directly to the new service, reducing waiting times.\n"
    "  • In Bexley, GPs have put in place a new service which cuts the wait for a diagnosis of "
    "heart disease from nine months to three weeks.\n"
)


def test_a_sentence_that_goes_on_from_one_that_goes_on_keeps_the_first_ones_place(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    question = "apart from GPs, who can refer straight into the Tewsbury community eye service"
    scored = _scored(tmp_path, embeddings, _EYES, question)
    refer = next(c for c in scored if c.text.startswith("This will allow"))
    assert not any(why.startswith("does not name") for why in refer.why)
    answer = _asked_beside_wigan(tmp_path / "asked", embeddings, "eyes.txt", _EYES, question)
    assert not answer.refused and "optometrists" in answer.answer


_OUTREACH = (
    "Street health team cuts A&E visits among Tewsbury's rough sleepers\n\n"
    "The Tewsbury Street Health Team is run by Tewsbury Community Health NHS Trust in "
    "partnership with the homelessness charity Open Door Tewsbury. The team is made up of two "
    "specialist nurses, a GP who works three sessions a week, a mental health practitioner and a "
    "peer support worker. It runs clinics at the Haven Day Centre on Cooper's Yard and the "
    "Bridge Street Hostel, and goes out on the streets at least four evenings a week.\n"
)


def test_who_is_on_a_team_is_answered_by_its_staff_and_where_by_its_sites(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "outreach.txt", _OUTREACH)
    members = assistant.ask(
        "We want to set up a homeless outreach service and need to think about skill mix - "
        "who's actually on the Tewsbury street health team?"
    )
    assert not members.refused and "specialist nurses" in members.answer
    assert "run by" not in members.citations[0].quote
    where = assistant.ask("Where does the Tewsbury homeless team hold its regular clinics?")
    assert not where.refused and "Haven Day Centre" in where.answer
    # "Open Door Tewsbury" is a name, but "the area next door" names no place
    assert assistant.read("what's the wait in the area next door to Tewsbury").names == (
        "Tewsbury",
    )


def test_a_kind_of_arrangement_or_a_line_asked_for_is_named_by_its_instance() -> None:
    # the article names the format ("virtual clinics"), the line ("the new 111 service")
    assert asked_noun("what format are the first diabetes clinics in the practices") is None
    assert asked_noun("what phone line did the GP practices push to pts") is None
    assert asked_noun("what payment mechanism did One Care help agree") is None
    assert asked_noun("which app do patients use") == "app"


def test_a_participle_after_in_names_no_place() -> None:
    from askcases.qa.spelling import names_in_lower_case

    def names(question: str) -> list[str]:
        return names_in_lower_case(question, {}, lambda term, word=None: False)

    assert names("what share of patients sent in labelled as COPD did not have it") == []
    assert names("who runs the clinics in leeds") == ["leeds"]


def test_who_coordinates_it_names_who_does_it_as_who_runs_it_does() -> None:
    coordinated = "The scheme is coordinated by Tewsbury Local Pharmaceutical Committee."
    assert names_agent(coordinated) == (True, False)
    assert names_agent("Pharmacists coordinate the care of their patients with GPs.") == (
        False,
        False,
    )


_INJECTIONS = (
    "Eye injections move to community clinics in Tewsbury\n\n14 May 2025\n\n"
    "The share of injections given more than two weeks later than planned fell from 38% to "
    "9%.\n\n"
    "By comparison, in neighbouring North Wessdale, where injections are still given in "
    "hospital, 31% were delayed by more than two weeks over the same period.\n"
)


def test_a_neighbouring_area_asked_about_is_no_national_comparison(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    asked = _scored(
        tmp_path, embeddings, _INJECTIONS, "tewsbury neighbouring area late injections rate"
    )
    nearby = next(c for c in asked if "North Wessdale" in c.text)
    assert "a national comparison" not in nearby.why
    plain = _scored(tmp_path / "plain", embeddings, _INJECTIONS, "tewsbury late injections rate")
    assert "a national comparison" in next(c for c in plain if "North Wessdale" in c.text).why
    # a result measured against the plan is a result
    late = next(c for c in plain if c.text.startswith("The share"))
    assert "reports a result" in late.why


def test_when_it_was_due_to_open_is_answered_by_when_it_is_expected_to(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "eyes.txt", _EYES)
    due = assistant.ask("Tewsbury Quality Care Consortium eye service - when was it due to open?")
    assert not due.refused and "later in the spring" in due.answer


_CAFE = (
    "Crisis café marks first year in Tewsbury\n\n"
    "The Nightjar, a mental health crisis café in Tewsbury town centre, opened on 2 May 2023. "
    "It is run by the local charity Harbour Light Wellbeing and is open from 6pm to midnight. "
    "In its first 12 months The Nightjar recorded 1,926 visits. That is below the first-year "
    "aim of 2,400 visits, which the charity says reflects a slow start over the summer. "
    "Night-time A&E attendances for mental health reasons fell by 19%.\n"
)


def test_a_figure_that_goes_on_from_the_one_before_is_quoted_with_it(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "cafe.txt", _CAFE)
    for question in (
        "tewsbury crisis cafe how many visits first year vs the aim",
        "how many visits was the tewsbury cafe aiming for in its first year, and did it get there",
    ):
        visits = assistant.ask(question)
        assert not visits.refused
        assert "1,926" in visits.answer and "2,400" in visits.answer


def test_when_a_service_went_live_is_answered_by_its_launch_date_not_another_year(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(
        tmp_path,
        embeddings,
        "quillerton-falls.md",
        "# Quillerton falls response service: two-year review\n\nQuillerton Community Health "
        "Board, 4 October 2024\n\n"
        "1. This paper reports on the first two years of the Quillerton falls response "
        "service, which goes out to people who have fallen at home.\n\n"
        "2. In 2021/22 the ambulance service attended 3,840 falls calls in Quillerton, and 62% "
        "of those patients were taken to the emergency department.\n\n"
        "3. The service was launched on 5 September 2022. It is run by Quillerton Community "
        "Health.\n",
    )
    answer = assistant.ask("when did the quillerton falls response service go live")
    assert not answer.refused
    first = answer.answer.split("[1]")[0]
    assert "launched on 5 September 2022" in first and "2021/22" not in first


def test_a_word_most_articles_use_names_no_topic_or_place(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    settings = _library(
        tmp_path,
        embeddings,
        {
            "ostleby-eczema.txt": (
                "Children's eczema clinic in Ostleby\n\n9 May 2024\n\n"
                "The community clinic sees children whose eczema has not cleared with creams.\n\n"
                "Hospital referrals for childhood eczema in Ostleby fell by 46% in its first "
                "year.\n"
            ),
            "ostleby-link-workers.txt": (
                "Link workers in Ostleby\n\n2 June 2024\n\n"
                "Link workers are employed by Ostleby Together, a local charity.\n\n"
                "They took 3,065 referrals in 2023/24.\n"
            ),
            "stroke.txt": _WIGAN,
        },
    )
    assistant = Assistant(settings, embeddings)
    # "together" is a word of a charity's name here, and of most service articles elsewhere:
    # putting a paper together asks about no place the eczema article lacks
    answer = assistant.ask(
        "I'm putting a paper together for our board next week on community dermatology. By "
        "what percentage did hospital referrals for childhood eczema drop in Ostleby?"
    )
    assert not answer.refused, answer.reason
    assert "46%" in answer.answer
    assert "togeth" in common_terms() and "eczema" not in common_terms()


@pytest.mark.parametrize(
    ("name", "article", "question", "facts"),
    [
        # the state after, which does not name the place again, joins the state before
        (
            "carrowby-eyes.txt",
            "Opticians see minor eye problems in Carrowby\n\n3 April 2024\n\n"
            "Before the scheme began, the eye casualty department at Carrowby General Hospital "
            "had 14,200 attendances in 2022. A hospital audit found that around 55% of those "
            "patients could have been seen in the community. In the 12 months after the scheme "
            "launched, eye casualty attendances fell to 10,650, a drop of 25%.\n\n"
            "The scheme is run by Carrowby Primary Eyecare.\n",
            "What happened to attendances at the Carrowby General Hospital eye casualty after the "
            "scheme started? I need the before and after numbers.",
            ("14,200", "10,650"),
        ),
        # a sentence that gives both joins one that gives the state before alone
        (
            "fenwick-foot.txt",
            "Diabetic foot service in Fenwick\n\n1 March 2024\n\n"
            "In 2021/22 the average time from referral to first specialist assessment in Fenwick "
            "was 17 days, well outside the national guidance that people with an active diabetic "
            "foot problem should be seen by a specialist team within one working day.\n\n"
            "The service opened in June 2022 with three podiatrists.\n\n"
            "The average time from referral to first specialist assessment fell from 17 days in "
            "2021/22 to 3 days.\n",
            "How quickly do people with diabetic foot problems in Fenwick get assessed by a "
            "specialist, before vs after the new service?",
            ("17 days", "3 days"),
        ),
    ],
)
def test_before_and_after_quotes_the_half_the_best_sentence_lacks(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    name: str,
    article: str,
    question: str,
    facts: tuple[str, str],
) -> None:
    answer = _asked_beside_wigan(tmp_path, embeddings, name, article, question)
    assert not answer.refused, answer.reason
    assert all(fact in answer.answer for fact in facts), answer.answer


@pytest.mark.parametrize(
    ("name", "article", "answered", "refused"),
    [
        # three GP-led hubs are a count of sites
        (
            "hollerby-minor-surgery.txt",
            "GP surgeries cut waits for minor operations in Hollerby\n\n15 May 2024\n\n"
            "It opened on 3 April 2023 at three GP-led hubs: Canal Street Health Centre, "
            "Brookend Medical Practice and Sturmead Surgery.\n\n"
            "The average wait for treatment fell from 31 weeks to 9 weeks.\n",
            [("How many sites does the Hollerby minor surgery service run from?", "three GP-led")],
            [],
        ),
        # a rate over another span, or a figure for the whole country, answers nothing local
        (
            "pelham-alcohol.md",
            "# Pelham alcohol care team: year one\n\n"
            "- Run by Pelham Hospitals NHS FT since 3 April 2023\n"
            "- 30-day readmission: 22% → 17%\n"
            "- For context, the Office for National Statistics estimated that 1.9 million people "
            "in the UK drink at higher risk.\n",
            [
                ("pelham alcohol care team 30 day readmission rate", "17%"),
                (
                    "how many people in the UK drink at higher risk, as quoted for Pelham",
                    "1.9 million",
                ),
            ],
            [
                ("pelham alcohol care team 90 day readmission rate", "17%", ""),
                (
                    "pelham estimated number of people drinking at higher risk",
                    "1.9 million",
                    "national figure",
                ),
            ],
        ),
        # a year told by its months is that financial year
        (
            "dunford-surgery.txt",
            "Minor surgery in Dunford\n\n15 May 2024\n\n"
            "Between April 2023 and the end of March 2024 the service carried out 1,486 "
            "procedures.\n\nThe service is run by Dunford GP Alliance.\n",
            [("How many procedures did the Dunford service do in 2023/24?", "1,486")],
            [("How many procedures did the Dunford service do in 2024/25?", "1,486", "")],
        ),
    ],
)
def test_a_figure_answers_for_its_own_things_span_year_and_place(
    tmp_path: Path,
    embeddings: MiniLMEmbeddings,
    name: str,
    article: str,
    answered: list[tuple[str, str]],
    refused: list[tuple[str, str, str]],
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, name, article)
    for question, fact in answered:
        _answers(assistant, question, fact)
    for question, figure, says in refused:
        assert says in _refuses(assistant, question, figure).answer


_FAQ_PAGE = (
    "Tongue-tie clinic: frequently asked questions\n"
    "Our midwife-led clinic assesses and treats babies whose feeding is affected by a tight "
    "tongue-tie. Here are answers to the questions parents ask us most often.\n"
    "What is tongue-tie?\n"
    "Tongue-tie is when the strip of skin under a baby's tongue is shorter than usual, which "
    "can make it hard for the baby to feed. Many babies with it have no feeding problems.\n"
    "Where does the clinic run?\n"
    "The clinic is held at Hollowmere Family Hub, 4 Tanner's Lane, every Monday morning. "
    "Before it opened, babies from Hollowmere were sent to the regional children's surgery "
    "service at Eastgate Children's Hospital, a round trip of about 40 miles.\n"
    "Who runs the clinic?\n"
    "It is run by our infant feeding team and led by Nadia Okonkwo-Barr, Infant Feeding Lead "
    "Midwife. Two midwives trained in the procedure carry it out.\n"
    "Can my baby be referred?\n"
    "Babies up to 12 weeks old who were born at our hospital or live in Hollowmere can be "
    "referred by a midwife, health visitor or GP.\n"
    "How long will we wait?\n"
    "In 2023/24 the average wait was 7 working days. When babies were sent to Eastgate the "
    "average wait was 5.5 weeks.\n"
    "What did parents think?\n"
    "Of the 240 parents who completed our feedback form, 96% would recommend the clinic, and "
    "81% of babies in Hollowmere seen by us were still breastfeeding at 8 weeks.\n"
)


def test_a_faq_page_answers_for_the_place_it_names_throughout(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    # the page's title and opening never name Hollowmere, but its answers do, throughout
    assistant = _beside_wigan(tmp_path, embeddings, "tongue-tie.html.txt", _FAQ_PAGE)
    _answers(assistant, "hollowmere tongue tie clinic who leads it", "Nadia Okonkwo-Barr")
    _answers(assistant, "hollowmere tongue tie clinic where is it held", "Hollowmere Family Hub")


_FALLS_REPORT = """Harlowe falls team: first year review

The Harlowe falls team visits older people at home after a fall and teaches strength and
balance exercises. It is run by Harlowe Community Health NHS Trust and took its first
referrals on 6 March 2023.

Fall-related admissions among people aged 65 and over in Harlowe fell to 318 in 2023/24, a
drop of 14%. Among the 420 people the team saw, fall-related admissions went from 212 in the
12 months before their first visit to 131 in the 12 months after.

The drop cannot be put down to the falls team alone: the winter was milder than the one
before, and a new frailty clinic opened in the town in the same year.
"""


def test_why_is_answered_by_the_caveat_not_by_the_result_it_is_about(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    assistant = _beside_wigan(tmp_path, embeddings, "harlowe-falls.txt", _FALLS_REPORT)
    answer = _answers(
        assistant,
        "why can't the fall in admissions be put down to the harlowe falls team on its own",
        "the winter was milder",
    )
    assert answer.citations[0].quote.startswith("The drop cannot be put down")


def test_a_before_and_after_stated_with_their_periods_is_a_pair(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    # "from 212 in the 12 months before their first visit to 131 in the 12 months after"
    best = _scored(
        tmp_path,
        embeddings,
        _FALLS_REPORT,
        "How many fall admissions did the people the Harlowe falls team saw have in the year "
        "before they were seen, and in the year after?",
        "harlowe-falls.txt",
    )[0]
    assert "from 212 in the 12 months" in best.text
    assert "reports a result" in best.why
    assert "counts what is asked" in best.why


def test_a_county_s_short_form_is_written_out_only_where_the_library_writes_it_out() -> None:
    library = {stem("gloucestershire"): 3, stem("bedfordshire"): 2, stem("beds"): 1}
    assert spell_out_counties("south glos clot clinics", library) == (
        "south Gloucestershire clot clinics"
    )
    # a library that never names the county keeps the asker's word
    assert spell_out_counties("north lancs falls team", library) == "north lancs falls team"
    # "beds" is a word the library uses, and "Beds" a county only where capitalised
    assert spell_out_counties("how many beds in Beds", library) == "how many beds in Beds"
    assert spell_out_counties("how many beds in Beds", {stem("bedfordshire"): 2}) == (
        "how many beds in Bedfordshire"
    )


def test_a_board_papers_table_quarters_and_the_result_after_its_baseline_are_read(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "# Dunmarsh and Kelloway Community Health NHS Trust\n\n"
        "| Meeting | Trust Board (public session) |\n| Date | 5 December 2024 |\n\n"
        "## Urgent community response: half-year performance report 2024/25\n\n"
        "### Executive summary\n\n"
        "The urgent community response team is run by the community nursing team at Dunmarsh "
        "and Kelloway Community Health NHS Trust. It went live on 1 October 2023.\n\n"
        "| Measure | Target | Q1 | Q2 | Status |\n|---|---|---|---|---|\n"
        "| Referrals accepted | 900 | 880 | 964 | Green |\n"
        "| Referrals from ambulance service | 25% | 12% | 15% | Red |\n\n"
        "Before the team started, there were 640 short-stay emergency admissions of people aged "
        "65 and over from Dunmarsh in April to September 2023. In April to September 2024 there "
        "were 512, a reduction of 20%.\n\n"
        "### Recommendations to the Board\n\n"
        "1. Note the half-year performance and the Red rating for ambulance referrals.\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "dunmarsh-ucr.md", article)
    # the trust named by the paper's first line is the paper's own: its table is Dunmarsh's
    _answers(
        assistant,
        "In Q2, what share of Dunmarsh UCR referrals came from the ambulance service?",
        "15%",
    )
    # "compared with the quarter before" asks for Q1 too
    _answers(
        assistant,
        "How many referrals did the Dunmarsh UCR accept in Q2, compared with the quarter before?",
        "964",
        "880",
    )
    # the result that goes on from the state before is its other half
    _answers(
        assistant,
        "How many short-stay emergency admissions of over-65s from Dunmarsh were there before "
        "the urgent response team started, and how many after?",
        "640",
        "512",
    )
    # "run by the community nursing team at ..." names who runs it
    _answers(assistant, "dunmarsh urgent community response who runs it", "community nursing team")


def test_a_reports_year_rates_in_a_row_unit_costs_in_shorthand_and_waits_after_are_read(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "Pellbrook Teledermatology | Quarterly Report | Q2 2025/26\n\n"
        "Slide 2: Why we changed\n"
        "- Routine dermatology wait 29 weeks (Jan 2025)\n\n"
        "Slide 3: Results\n"
        "- Routine wait: 29 wks -> 11 wks\n"
        "- Teledermatology episode £71 vs face-to-face new £162\n\n"
        "| KPI | Target | This quarter | Last quarter |\n|---|---|---|---|\n"
        "| Image rejections per 1,000 referrals | below 50 | 31 | 44 |\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "pellbrook-teledermatology.md", article)
    _answers(
        assistant,
        "What happened to routine dermatology waits in Pellbrook after GPs started using "
        "teledermatology?",
        "11 wks",
    )
    _answers(assistant, "pellbrook teledermatology cost per episode vs face to face", "£71")
    _answers(assistant, "pellbrook teledermatology image rejection rate", "31")
    # the report is of 2025/26: a sentence that names no year is not of 2024/25
    _refuses(assistant, "pellbrook teledermatology image rejection rate in Q2 2024/25", "31")
    # a cost per episode is no annual budget
    _refuses(assistant, "pellbrook teledermatology annual budget", "£71")


def test_a_state_since_told_before_the_state_before_and_a_footnoted_table_are_read(
    tmp_path: Path, embeddings: MiniLMEmbeddings
) -> None:
    article = (
        "# Dunmarsh community musculoskeletal triage: evaluation\n\n"
        "Year one at a glance: April 2023 to March 2024\n\n"
        "The Dunmarsh physiotherapy triage service opened in May 2023. It is run by Dunmarsh "
        "Community Health, and the triage team is led by a nurse, Senior Sister Ann Weller. "
        "The new Dunmarsh hand clinic is expected to open in the autumn.\n\n"
        "In its first year the triage team saw 910 patients. The average wait for a first triage "
        "appointment was eight days. Before the service started, patients referred to the "
        "orthopaedic clinic waited about 14 weeks for a first appointment.\n\n"
        "| Measure | 2022/23 | 2023/24 | Change |\n|---|---|---|---|\n"
        "| Referrals to orthopaedic surgeons [^1] | 520 | 230 | -56% |\n\n"
        "[^1]: Share of patients seen by a surgeon who were then listed for surgery.\n\n"
        "| Ref | Action | Owner | Due | Status |\n|---|---|---|---|---|\n"
        "| 11/24-1 | Share the triage results with all practices | A Weller | Nov 2024 | Open |\n"
    )
    assistant = _beside_wigan(tmp_path, embeddings, "dunmarsh-msk-triage.md", article)
    # the state since, told just before the state before, is its other half
    _answers(
        assistant,
        "dunmarsh msk triage: how long is the wait for a first appointment now versus the old "
        "orthopaedic clinic wait?",
        "eight days",
        "14 weeks",
    )
    # patients sent on to surgeons are referrals; a footnote's mark is no number
    _answers(
        assistant,
        "Dunmarsh triage: number of patients sent on to the orthopaedic surgeons before and after",
        "520",
        "230",
    )
    # the one financial year its lead names is the article's: 2025/26 goes unsaid
    _answers(assistant, "how many patients did the dunmarsh triage team see in 2023/24", "910")
    _refuses(assistant, "how many patients did the dunmarsh triage team see in 2025/26", "910")
    # an action log's due date is not when the service started
    _answers(assistant, "when did the dunmarsh physio triage start", "May 2023")
    # a nurse named by her title is who leads
    _answers(assistant, "who leads the dunmarsh triage team?", "Ann Weller")
    # "when was ... due to open", however long what is asked about, asks for a plan
    _answers(
        assistant,
        "When was the new hand clinic of the Dunmarsh community service due to open?",
        "autumn",
    )
