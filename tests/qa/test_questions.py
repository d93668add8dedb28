import pytest

from askcases.qa.questions import (
    asked_body,
    asked_form,
    asks_commissioner,
    asks_done,
    asks_members,
    asks_planned,
    asks_provider,
    asks_published,
    asks_since_start,
    expected_type,
    holds_type,
    is_list_question,
    names_doers,
    new_values,
    says_counted_verb,
)
from askcases.text.lexicon import content_terms, stem


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did Wigan save?", "money"),
        ("What share of the population is covered?", "percent"),
        ("When did the clinic open?", "date"),
        ("How common is DVT?", "rate"),
        ("How long did patients wait?", "duration"),
        ("How fast does the team respond?", "duration"),
        ("How many centres are there?", "number"),
        ("Who runs the clinics?", "who"),
        ("Which GP lead spoke for the CCG?", "person"),
        ("Who announced the fourth wave?", "person"),
        ("Where will the hub be based?", "place"),
        ("Why did referrals fall?", None),
        # staff's shorthand for a date
        ("community phlebotomy full go live date", "date"),
        ("date fourth wave gp pathfinders announced", "date"),
        ("fourth wave pathfinders when announced", "date"),
        ("is the referral data up to date", None),
        # a count in a time, in shorthand
        ("sandlebury hub pts per week now vs when it opened", "number"),
        ("referrals a month to the falls team", "number"),
        ("stavenholt alcohol team funded WTE vs in post", "number"),
        ("ashenfold adult podiatry patients treated 2023/24", "number"),
        ("which patients are seen by the podiatry team", None),
        # a share of those who referred themselves, not how people are referred
        ("what proportion of the hearing service's patients self-referred", "percent"),
        ("can patients self-refer to the hearing service", "referral"),
        ("Which FT employs the school asthma nurses in Gallowdene?", "who"),
        # a count of units of time is a length of time, whatever follows it
        ("how many days from discharge to the first review, and how many now?", "duration"),
        ("over how many years is the contract", "duration"),
        ("how many patients were seen before and how many now", "number"),
        # how something is paid for is a way, not a sum
        ("how do practices get paid for doing the hospital's bloods", "payment"),
        ("what's the fee model for the community bloods", "payment"),
        ("how much are practices paid per blood test", "money"),
        # a "how many" inside what is asked about asks for no count
        ("what will the team build so practices can see how many tests they do", None),
        ("In the bloods programme, what tool will they build to show practices how many", None),
        # kinds of patients, not a body
        ("which groups of patients should the consultants focus on", None),
        ("which group of practices runs the clinic", "who"),
        # a time from one step to another is a length of time
        ("cindersby hep c - time from positive result to getting treated, old vs new", "duration"),
        ("sickle cell time to first pain relief, day unit vs A&E (mins)", "duration"),
        ("what time does the clinic open", None),
        ("which org and dept deliver the sedgeholt ambulatory PE pathway", "who"),
        # shorthand for the month a service began, and for the person quoted
        ("holloway vale gp alcohol service launch month yr", "date"),
        ("ravenmoor hf nurses start year", "date"),
        ("Who's the clinician quoted in the Ravenmoor heart failure announcement?", "person"),
        ("who's the named clinical lead at the diabetes service", "person"),
        ("Who's the provider trust for the hospital at home service?", "who"),
        ("who was the One Care spokesperson", "person"),
        ("Who gave the quote for One Care, and what is their job title?", "person"),
        ("bloods programme person thanking colleagues job title", "person"),
        ("how many patients a year did the clinic start with", "number"),
        # bed days saved are counted; what they were worth is money
        ("frailty sdec bed days saved how robust is the estimate", "number"),
        ("what were the bed days saved worth in money terms", "money"),
        # a role asked for by name is a person; "no. of" is "number of"
        ("who was the minister that announced the new batch of GP pathfinders", "person"),
        ("no. of practices signed up to the community bloods scheme", "number"),
        # "where" asks for a place where it leads an ask, not where it joins a clause
        ("where are the clinics", "place"),
        ("complex diabetes unit where based", "place"),
        ("she's asking where they are", "place"),
        ("what problem about where results get sent did the programme sort out", None),
        ("what's the peer support thing where diabetics help each other", None),
        # a keyword query that ends on what it wants; a phone number counts nothing
        ("sorrelby pharmacy contraception consultations 2025/26 actual number", "number"),
        ("hadlingford hearing aid follow ups and repairs 2024/25 number", "number"),
        ("what's the phone number?", None),
        # a keyword query that ends on a capacity counts; "freed up any capacity" does not
        ("dunholt copd virtual ward bed capacity", "number"),
        ("has the service freed up any capacity", None),
        ("pellingham weekly gp care home rounds year started", "date"),
        # "what does X give" asks for money only where what is given goes unsaid
        ("what did practices get for it", "money"),
        ("What does the consultant give GPs apart from help with patients?", None),
        ("what's the annual contract value for the Quaysford hub", "money"),
        ("where are the results of hospital-requested bloods supposed to go?", None),
        # "who is the ... commissioner" asks for a body; "who is the clinical lead" for a person
        ("who is the gp led commissioner for the plymouth diabetes redesign", "who"),
        ("who is the provider of the DVT service", "who"),
        ("who is the clinical lead for the DVT service", "person"),
        ("who is the lead for the trust", "person"),
        # staff's shorthand ending on a role asks for the person; sites are places
        ("kellingmoor menopause clinic clinical lead", "person"),
        ("kellingmoor menopause clinic which sites does it run sessions from", "place"),
        # who may use it, misspelt or not: the rule for who may, not a body
        ("marshcote steady steps falls classes who is eligable", "eligibility"),
        # a role's name asked for in shorthand; a fraction is a share
        ("sentinel healthcare plymouth GP clinical lead for diabetes name", "person"),
        ("copperwick cdc what fraction of tests were blood tests", "percent"),
        # an age limit is a rule for who may use it
        ("cressingham tongue-tie clinic age cut-off", "eligibility"),
        ("when was the age limit for the ear wax clinic changed?", "date"),
    ],
)
def test_expected_answer_type_is_read_from_the_question(question: str, kind: str | None) -> None:
    assert expected_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence", "holds"),
    [
        ("money", "It will save the NHS locally up to £60,000 a year.", True),
        ("money", "It proved a more cost effective model.", False),
        ("percent", "Admissions decreased by 70 per cent.", True),
        ("percent", "9 out of 10 people will benefit.", True),
        ("date", "It was fully launched on 31 October after a soft launch.", True),
        ("date", "The service grew quickly.", False),
        ("rate", "One in every 1,000 people in the UK develops it each year.", True),
        ("duration", "They get back to patients within two hours of contact.", True),
        ("duration", "It moved to eight centres.", False),
        ("number", "It moved to eight specialist treatment centres.", True),
        ("who", "The centres are run by GP Care, a social enterprise.", True),
        ("person", "Dr David Peel, Clinical Lead for Planned Care, said:", True),
        ("person", "BNSSG Clinical Commissioning Group (CCG) moved DVT services.", False),
        ("place", "The service uses a clinic in Harley Street.", True),
        ("person", "It is led by Nadia Okonkwo-Barr, Infant Feeding Lead Midwife.", True),
        # a hub or a street is no person
        ("person", "The clinic is held at Brambleholt Family Hub, 18 Cobbler's Lane.", False),
        ("eligibility", "Anyone aged 65 or over can join if they have fallen.", True),
        ("eligibility", "The scheme is open to people registered with a local GP.", True),
        ("eligibility", "It began in October 2021 in four church halls.", False),
        ("eligibility", "The clinic is for babies under 12 weeks old with feeding problems.", True),
        ("eligibility", "Waits fell to under 12 weeks.", False),
        # a period or a time is no share: "half-year", "the first two quarters"
        ("percent", "Note the half-year performance of the service.", False),
        ("percent", "Performance in the first two quarters of 2024/25 is summarised below.", False),
        ("percent", "Half of the patients were seen at home.", True),
        # a rate per thousand given by a table row's label
        ("rate", "| Line infections per 1,000 catheter days | below 0.5 | 0.31 | 0.44 |", True),
        # a nurse named by her title is a person
        ("person", "The night team is led by a nurse, Senior Sister Ann Weller.", True),
        # a markdown footnote's mark is no number
        ("number", "[^2]: Share of patients seen by a surgeon who were then listed.", False),
        # a count of referrals, or where patients went next, is no way in
        ("referral", "| Back pain referrals received | 1,870 | 2,415 | +29% |", False),
        ("referral", "A further 38% were referred on to community physiotherapy.", False),
        ("referral", "GPs refer adults aged 16 and over through the e-Referral Service.", True),
        ("referral", "Patients can be referred by their GP.", True),
    ],
)
def test_a_sentence_holds_the_kind_of_value_asked_for(
    kind: str, sentence: str, holds: bool
) -> None:
    assert holds_type(kind, sentence, "question") is holds


def test_kinds_of_body_answer_which_groups_are_involved() -> None:
    asked = "which groups will be involved in the Plymouth expert patient scheme?"
    listed = "This will involve social services, local schools, employers and community groups."
    assert holds_type("who", listed, asked)
    assert not holds_type("who", "It will involve patients and their families.", asked)


def test_a_street_or_hub_answers_where_beyond_the_place_asked_about() -> None:
    held = "The clinic is held at Brambleholt Family Hub, 18 Cobbler's Lane, every Tuesday."
    assert holds_type("place", held, "where is the brambleholt tongue tie clinic held")
    sent = "Babies from Brambleholt were sent to a service out of the area."
    assert not holds_type("place", sent, "where is the brambleholt tongue tie clinic held")


def test_a_value_the_question_already_states_is_not_an_answer() -> None:
    question = "What did the Bristol, North Somerset and South Gloucestershire CCG do?"
    sentence = "A service in Bristol, North Somerset and South Gloucestershire has been recognised."
    assert new_values("who", sentence, question) == []
    assert new_values("who", "It is run by GP Care in Bristol.", question) == ["GP Care"]


def test_list_questions_are_recognised() -> None:
    assert is_list_question("Which areas cut hospital visits from care homes?")
    assert is_list_question("List the savings reported")
    assert not is_list_question("Which GP lead spoke for the CCG?")


def test_a_body_is_no_person() -> None:
    from askcases.qa.questions import holds_type

    asked = "who is the lead podiatrist for the foot service"
    body = "In May 2020 Eastwold Primary Care Partnership, with podiatrists, opened foot clinics."
    assert not holds_type("person", body, asked)
    assert holds_type("person", "Lorna Beech, lead podiatrist, said the clinics work.", asked)
    assert holds_type("person", "Dr David Peel, Clinical Lead for Planned Care, said:", asked)
    # a person of another role than the one asked for is not the one
    consultant = "who's the palliative care consultant doing sessions at the hub"
    manager = "The registered manager is Claire Penhallow, Director of Clinical Services."
    assert not holds_type("person", manager, consultant)
    assert holds_type("person", "Dr Ana Reyes, consultant in palliative care, said:", consultant)


@pytest.mark.parametrize(
    ("question", "situation", "asked"),
    [
        (
            "I'm drafting our falls strategy for the board - how many callouts did the team do?",
            "I'm drafting our falls strategy for the board",
            "how many callouts did the team do?",
        ),
        (
            "We're short of clinic rooms at our practice, so could you tell me where the hub is",
            "We're short of clinic rooms at our practice",
            "where the hub is",
        ),
        (
            "My manager keeps asking about this and I'd like to know when the wards opened",
            "My manager keeps asking about this",
            "when the wards opened",
        ),
        (  # a request that asks nothing itself: what is asked is before it
            "I'm writing a paper for our board and want to know what percentage drop Hawksmere "
            "saw in A&E attendances - can you find it?",
            "",
            "I'm writing a paper for our board and want to know what percentage drop Hawksmere "
            "saw in A&E attendances - can you find it?",
        ),
        (  # told without its "I'm", and the request opens with what it is about
            "Doing a capacity slide for the network meeting - pre-Covid, roughly how many "
            "samples a week were taken?",
            "Doing a capacity slide for the network meeting",
            "pre-Covid, roughly how many samples a week were taken?",
        ),
    ],
)
def test_the_askers_situation_is_told_apart_from_the_request(
    question: str, situation: str, asked: str
) -> None:
    from askcases.qa.questions import situation_and_request

    assert situation_and_request(question) == (situation, asked)


@pytest.mark.parametrize(
    "question",
    [
        "What did the board decide about the wards, and how much will they cost?",  # two asks
        "Leeds falls team - how many callouts?",  # a subject, not a situation
        "Leeds falls team in the winter - pre-Covid, how many callouts?",
        "Writing up our year - how many seen?",  # too short to tell a situation
        "How many callouts did the falls team do in our area?",
        "We asked, and what happened?",  # too short to tell a situation
    ],
)
def test_a_question_that_tells_no_situation_is_all_request(question: str) -> None:
    from askcases.qa.questions import situation_and_request

    assert situation_and_request(question) == ("", question)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Which charity paid for the eye project and how much was the grant?",
            ["Which charity paid for the eye project?", "how much was the grant?"],
        ),
        (
            "How long was the wait before the hub? What is it now?",
            ["How long was the wait before the hub?", "What is it now?"],
        ),
        (
            "I'm costing a falls service for our board - who runs the Leeds team, "
            "and when did it start",
            [
                "I'm costing a falls service for our board - who runs the Leeds team?",
                "when did it start?",
            ],
        ),
        (
            # the service named before a dash is what each ask is about
            "Halsterby wheelchair service - how many staff and how many assessment bases?",
            [
                "Halsterby wheelchair service - how many staff?",
                "Halsterby wheelchair service - how many assessment bases?",
            ],
        ),
        (
            "Our PCN is looking at equipment reuse and I've been asked to find out how much "
            "Halsterby saved from recycling chairs, and how the spend per new chair changed",
            [
                "Our PCN is looking at equipment reuse - how much Halsterby saved from recycling "
                "chairs?",
                "how the spend per new chair changed?",
            ],
        ),
        (
            # a question word opens a question, not the name of what it is about
            "what is the wait - how long is it and how many are waiting",
            ["what is the wait - how long is it?", "how many are waiting?"],
        ),
        (
            # two question words asking of one thing
            "Where and how often does the Thornbury eczema clinic run",
            [
                "Where does the Thornbury eczema clinic run?",
                "how often does the Thornbury eczema clinic run?",
            ],
        ),
        (
            # a time said before the first ask
            "We're copying the Plymouth model so I need the numbers - to date how many "
            "referrals has it avoided, and how many new cases did the clinics see?",
            [
                "We're copying the Plymouth model so I need the numbers - to date how many "
                "referrals has it avoided?",
                "how many new cases did the clinics see?",
            ],
        ),
        ("How many patients were seen and discharged home?", None),  # one ask
        ("Wigan stroke - how many days and what saving", None),  # asks too short to stand
        ("I would like to know, for the Leeds team, how long the wait is", None),
    ],
)
def test_a_question_of_several_asks_is_read_as_each_ask(
    question: str, parts: list[str] | None
) -> None:
    from askcases.qa.questions import asks

    assert asks(question) == (parts or [question])


def test_a_later_ask_carries_what_the_first_is_about_not_what_it_asks_for() -> None:
    from askcases.qa.followups import resolve_followup
    from askcases.qa.questions import what_it_is_about

    about = what_it_is_about("How many specialist nurses does the Cindersby hep C service have?")
    later = resolve_followup("how many community sites do they work from?", [about])
    assert "Cindersby hep C service" in later
    assert "nurses" not in later
    about = what_it_is_about("What does the Corlingham sickle cell service cost per yr?")
    assert "cost" not in about and "Corlingham sickle cell service" in about


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which charity paid for the eye project?", "who"),  # not money, though it "paid"
        ("Who funds the asthma nurses?", "who"),
        ("Who said the savings were worth it?", "person"),
        ("I'm costing a falls service for our board - when did the Leeds team start?", "date"),
        ("when did it open (Wigan stroke saving)", "date"),  # a follow-up's carried words
    ],
)
def test_the_kind_of_value_is_read_from_the_request_alone(question: str, kind: str) -> None:
    from askcases.qa.questions import read_question

    assert read_question(question, {}).kind == kind


@pytest.mark.parametrize(
    ("question", "published"),
    [
        ("When was the Fernleigh hearing clinic story published?", True),
        ("sentinel plymouth diabetes case study date written", True),
        ("publication date of the wigan piece", True),
        ("When did the Fernleigh hearing clinic open?", False),
        ("Which journal published the study?", False),
        ("when were the audit results published", False),
    ],
)
def test_a_question_for_the_date_of_the_article_itself_is_told_apart(
    question: str, published: bool
) -> None:
    assert asks_published(question) is published


@pytest.mark.parametrize(
    ("question", "commissioner"),
    [
        ("Which ICB commissions the Harwick virtual ward?", True),
        ("which ccg pays for the clot clinics", True),
        ("harnley vale anticoag service commissioning ICB", True),
        ("the ICB that funds the foot service", True),
        ("Did the ICB fund more nurses?", False),
        ("how much ICB funding did it get", False),
        ("Which trust runs the clot clinics?", False),
        ("When did the foot service open and which ICB pays for it", False),  # two asks
    ],
)
def test_a_question_for_a_commissioner_is_told_apart(question: str, commissioner: bool) -> None:
    assert asks_commissioner(question) is commissioner


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("NHS Yarncombe and Exley ICB plans and pays for health services.", True),
        ("Commissioner: North Vennshire Integrated Care Board (ICB)", True),
        ("It is commissioned by Bristol CCG.", True),
        # "the ICB" says which ICB no more than the question does
        ("It is commissioned by the ICB and run by the community trust.", False),
        ("The ICB funds two more nurses.", False),
    ],
)
def test_a_sentence_answers_which_icb_only_by_naming_one(sentence: str, names: bool) -> None:
    from askcases.qa.questions import NAMES_COMMISSIONER

    assert (NAMES_COMMISSIONER.search(sentence) is not None) is names


@pytest.mark.parametrize(
    ("question", "provider"),
    [
        ("Who runs the stroke rehab at home team?", True),
        ("which trust provides the community IV therapy in Dunmere", True),
        ("Which organisation hosts the memory service?", True),
        ("which org delivers the ambulatory PE pathway", True),
        ("who holds the halsterby wheelchair contract", True),
        ("Who is the clinical lead?", False),
        ("who funds it", False),
    ],
)
def test_a_question_for_who_runs_a_service_is_told_apart(question: str, provider: bool) -> None:
    assert asks_provider(question) is provider


def test_a_sentence_names_who_runs_a_service_by_form() -> None:
    from askcases.qa.extractive import names_provider

    assert names_provider("The service is run by Hollinbrook Community Health NHS Trust.")
    assert names_provider("In Bristol, GP Care runs the centres.")
    assert not names_provider("A team of 23 therapists and nurses visits people at home.")
    assert not names_provider("The team provides care seven days a week.")
    assert names_provider("The ICB awarded a five-year contract to Halsterby Health CIC.")
    assert names_provider("Repairs are subcontracted to Motionworks Mobility Ltd.")


def test_a_range_of_percentages_gives_no_count() -> None:
    sentence = "About 60 per cent of those who attended lost 5-10 per cent of their weight."
    assert new_values("number", sentence, "how many took part") == []
    assert new_values("number", "We saw 412 patients, 88% within 2 weeks.", "how many") == ["412"]


def test_a_sum_of_money_or_a_numbered_period_counts_no_one() -> None:
    question = "how many babies were sent to hospital for tongue-tie"
    costs = "Each baby treated costs £148, compared with £395 in hospital."
    assert new_values("number", costs, question) == []
    period = "The wait fell from 6 weeks in the first quarter to 11 days by the end of year two."
    assert new_values("number", period, "how many partners were treated") == []
    assert new_values("number", "In year two the team saw 96 babies.", question) == ["96"]


def test_one_picked_out_counts_no_one() -> None:
    one_of = "Each clinic will involve one of the diabetic consultants working with the GPs."
    assert new_values("number", one_of, "how many GP surgeries run the clinics") == []
    assert new_values("number", "It covers 24 practices.", "how many GP surgeries") == ["24"]


def test_who_works_alongside_staff_is_answered_by_other_staff() -> None:
    question = "who works alongside the practice gps in the virtual diabetes clinics"
    sentence = "Each clinic will involve one of the diabetic consultants working with the GPs."
    assert holds_type("who", sentence, question)
    assert not holds_type("who", "The clinics are held monthly in each practice.", question)
    # any "who" but one for what only a body does may be answered by the staff who do it
    assert holds_type("who", sentence, "who sits in with the GPs at the clinics")
    assert not holds_type("who", sentence, "who runs the clinics")
    # "which clinicians staff the clinic" asks for kinds of staff, not a named person
    staffed = "Which clinicians staff the eczema clinic"
    assert expected_type(staffed) == "who"
    assert asks_members(staffed)
    assert names_doers(staffed, "It is led by two nurse specialists, supported by a GP.")
    assert expected_type("which clinician leads the service") == "person"


def test_a_setting_answers_where_care_is_given_but_not_where_a_team_is_based() -> None:
    sentence = "Vulnerable older people are now treated in their own homes."
    assert holds_type("place", sentence, "where are older people treated now")
    assert not holds_type("place", sentence, "where is the team based")


def test_working_days_are_a_length_of_time() -> None:
    sentence = "Today the average wait for an appointment is 4 working days."
    assert new_values("duration", sentence, "what is the wait now") == ["4 working days"]


@pytest.mark.parametrize(
    ("question", "body"),
    [
        ("Which trust provides the specialist gynae backup for the menopause clinic?", "trust"),
        ("which NHS trust runs the clot clinics", "trust"),
        ("the trust that employs the community nurses", "trust"),
        ("which charity paid for the glaucoma project?", "charity"),
        ("which council funds the falls service", "council"),
        ("Which FT employs the school asthma nurses?", "trust"),
        ("Which ICB commissions the virtual ward?", None),
        ("Which trust's consultants worked with the GPs, and how much did referrals fall?", None),
        ("Who runs the clinics?", None),
        ("Which foundation trust hosts the team and when did it start?", None),  # two asks
    ],
)
def test_a_question_for_a_kind_of_body_is_told_apart(question: str, body: str | None) -> None:
    assert asked_body(question) == body


@pytest.mark.parametrize(
    ("question", "since"),
    [
        ("since the full go live, how many bloods are practices doing a week?", True),
        ("since the Tolbury community clinic opened, how many scans a month", True),
        ("once the new service was up and running, how many tests a week were taken", True),
        ("what happened to admissions after the launch of the hub", True),
        ("how many were seen before the hub opened", False),
        ("since 2021, how many referrals", False),
        ("ashcombe asthma admissions change since hub opened", True),
        ("how many patients has the team seen so far", True),
        ("total visits to date", True),
        ("how many patients did the team see in 2023", False),
        ("since when has the clinic been open", False),
    ],
)
def test_a_question_about_the_time_since_the_service_began_is_told_apart(
    question: str, since: bool
) -> None:
    assert asks_since_start(question) is since


@pytest.mark.parametrize(
    ("question", "done"),
    [
        ("tillingham care home rounds hospital savings achieved so far", True),
        ("How many FCP appointments did Tarrowby PCN deliver in the first year?", True),
        ("how many patients has the team seen since it opened", True),
        ("total visits to date", True),
        ("How many wheelchair handovers did Halsterby actually manage in 2024/25?", True),
        ("What annual saving has the blood test made?", False),
        ("how much does the virtual clinic save the trust a year", False),
        ("how much extra money did the government promise the nhs", False),
        ("how many patients is it expected to have treated so far by 2026", False),
    ],
)
def test_a_question_about_what_has_been_done_is_told_apart(question: str, done: bool) -> None:
    assert asks_done(question) is done


@pytest.mark.parametrize(
    ("question", "planned"),
    [
        ("How many pharmacies is Thornbarrow aiming to have in the scheme altogether?", True),
        ("what is the target wait for the memory service", True),
        ("how much do they expect to save next year", True),
        ("how many clinics are planned", True),
        ("what waiting time is quenmoor ENT aiming for in future", True),
        ("I would like to quote Wendlecott - what was their access rate in year two?", False),
        ("how much did the clinic save", False),
    ],
)
def test_a_question_about_a_plan_is_told_apart(question: str, planned: bool) -> None:
    assert asks_planned(question) is planned


def test_a_written_out_acronym_is_said_by_a_sentence_that_uses_the_acronym() -> None:
    from askcases.qa.questions import counts_focus, read_question
    from askcases.text.lexicon import content_terms

    question = read_question(
        "When did the early supported discharge team start taking patients?",
        {"ESD": "Early Supported Discharge"},
    )
    sentence = set(content_terms("The ESD service was launched on 3 October 2022."))
    asked = content_terms("early supported discharge")
    assert question.matched(asked, sentence) == set(asked)
    # without the glossary, the acronym says none of them
    plain = read_question("When did the early supported discharge team start?", {})
    assert plain.matched(asked, sentence) == set()
    # so are its last words: "link workers" are counted by "8 SPLWs"
    workers = read_question(
        "How many link workers does the team have?", {"SPLWs": "social prescribing link workers"}
    )
    counted = set(content_terms("8 SPLWs (7.2 WTE) covering 11 GP practices"))
    assert counts_focus(workers.focus, counted, workers.focus_related)
    assert not counts_focus(workers.focus, counted)


@pytest.mark.parametrize(
    "sentence",
    [
        "Information not held. Home INR checks are recorded as part of general district nursing "
        "visits and cannot be separated without a manual review, which would exceed the cost "
        "limit under section 12 of the Act.",
        "Home visits are not recorded separately: the 4 district nursing teams log all 9,800 "
        "of their visits together.",
    ],
)
def test_a_sentence_that_says_a_figure_is_not_held_gives_none(sentence: str) -> None:
    assert not holds_type("number", sentence, "how many home INR visits did the nurses do")
    assert holds_type("number", "The nurses made 1,240 home INR visits.", "how many visits")


def test_a_rate_named_by_what_it_counts_is_no_value_in_a_time() -> None:
    team = "The team includes a dietitian who works with the team one day a week."
    assert not holds_type("rate", team, "marstow cardiac rehab home based completion rate")
    assert holds_type("rate", team, "how often does the dietitian work with the team")
    assert holds_type("rate", "Completion rose to 71%.", "cardiac rehab completion rate")


def test_a_street_that_opens_a_bodys_name_is_no_place() -> None:
    question = "where does the homeless team hold its regular clinics"
    run_by = "The Tewsbury Street Health Team is run by Tewsbury Community Health NHS Trust."
    assert not holds_type("place", run_by, question)
    assert holds_type("place", "It runs clinics at the Bridge Street Hostel.", question)


def test_who_is_on_a_team_is_answered_by_the_staff_it_is_made_of() -> None:
    question = (
        "We want to set up a homeless outreach service and need to think about skill mix - "
        "who's actually on the street health team?"
    )
    staff = "The team is made up of two specialist nurses and a peer support worker."
    assert holds_type("who", staff, question)
    assert not holds_type("who", "It is funded by the council.", question)


def test_a_number_word_in_a_name_counts_nothing() -> None:
    question = "how many practices signed up to community phlebotomy"
    for sentence in (
        "One Care has been involved in supporting general practice and system partners.",
        "Practices were supported by One Care throughout the programme.",
        "The clinics run across Three Rivers and the city.",
    ):
        assert new_values("number", sentence, question) == []
    advisers = "Two Dementia Advisers from the Alzheimer's Society work with the team."
    assert new_values("number", advisers, "how many advisers") == ["Two"]
    one_in_four = "One patient in four was seen at home."
    assert new_values("number", one_in_four, question) == ["One", "four"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        # which people may use it, not which body runs it
        ("ebbersleigh online sexual health testing who is allowed to order a kit", "eligibility"),
        ("Who's eligible for the pharmacy pill scheme in Sorrelby?", "eligibility"),
        ("Who runs the Ebbersleigh testing service?", "who"),
        # a place's numbers are no count of the place
        ("I need the Scarrowdale numbers - what was the quit rate?", "rate"),
        ("tarlsby minor eye conditions service from what age", "eligibility"),
        ("how old do you have to be to use the eye service", "eligibility"),
        (
            "What payment deal did One Care negotiate so that practices get paid for bloods?",
            "payment",
        ),
        # a clause that names the service is no question of how to be referred
        ("who's the clinical lead for the teledermatology service that GPs refer into?", "person"),
        ("can GPs refer into the teledermatology service", "referral"),
        # "when" that opens a clause setting the scene asks for no date
        (
            "When less complex patients are first seen at GP surgeries, what form will that take?",
            None,
        ),
        ("when was the teledermatology service launched", "date"),
        # which people may use it, asked by who they are or in shorthand
        ("Which asthma patients in Dunmarsh can have the pharmacy review?", "eligibility"),
        ("pellbrook community bone scans eligibility", "eligibility"),
        ("how many patients were eligible for the review", "number"),
        # the way in, asked as getting an appointment
        ("how do i get an appointment with the physio at my surgery in pellbrook", "referral"),
        # where GPs send people: to whom as often as where
        ("where do GPs in Dunmarsh send people with eye problems", None),
        # things done in a year, in shorthand, are a count
        ("Dunmarsh spirometry tests year one", "number"),
    ],
)
def test_who_may_use_a_service_and_a_places_numbers_are_read_as_meant(
    question: str, kind: str | None
) -> None:
    assert expected_type(question) == kind


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("percent", "486 women were referred, and more than three quarters of them set a date."),
        ("percent", "About a fifth of patients dropped out before discharge."),
        ("duration", "Avg time referral → ACT review 5.2 hrs (target <24 hrs)"),
        ("date", "Live 3 Apr 23."),
        ("number", "Fourteen pharmacies across the town offer a free test."),
    ],
)
def test_shares_in_words_and_staff_shorthand_give_values(kind: str, sentence: str) -> None:
    assert holds_type(kind, sentence, "question")


def test_a_name_the_asker_tells_as_their_own_is_not_asked_about() -> None:
    from askcases.qa.questions import read_question

    own = read_question(
        "We're reviewing the rapid response KPIs for our own service - how often did the "
        "Quaysford hub reach urgent calls within 2 hours?",
        {},
    )
    assert own.names == ("Quaysford",)
    asked = read_question(
        "I'm writing a paper on our PCN and the BNSSG DVT service - who runs it?", {}
    )
    assert "BNSSG" in asked.names


def test_since_a_service_went_fully_live_is_the_time_since_it_began() -> None:
    assert asks_since_start(
        "since the community bloods service around Bristol went fully live, how many tests "
        "have the practices done?"
    )
    assert not asks_since_start("how many tests did the practices do before it went live?")


@pytest.mark.parametrize(
    ("sentence", "counted"),
    [
        ("On that basis we expect to admit about 2,600 patients in 2024/25.", True),
        ("The ambulance service conveyed 1,184 people to hospital.", False),
        ("About 2,600 patients were seen at home.", False),
    ],
)
def test_admissions_are_counted_by_the_patients_admitted(sentence: str, counted: bool) -> None:
    assert says_counted_verb(stem("admissions"), set(content_terms(sentence))) is counted


@pytest.mark.parametrize(
    ("request_", "form"),
    [
        ("Why does the evaluation say you can't put the drop down to the falls service?", "reason"),
        ("What weakness in the pilot's evidence does the business case own up to?", "reason"),
        ("what other change might partly explain it", "reason"),
        ("should the fall in call-outs be treated with caution", "reason"),
        ("what else is the bloods programme called", "other name"),
        ("the clinic's other name", "other name"),
        ("how many patients did the falls service see", None),
        ("what did the evaluation find", None),
    ],
)
def test_a_question_asking_why_or_for_another_name_asks_for_that_form(
    request_: str, form: str | None
) -> None:
    assert asked_form(request_) == form


def test_a_question_for_the_clinical_lead_is_answered_by_one_named_as_lead() -> None:
    question = "tarlsby minor eye conditions clinical lead"
    assert holds_type(
        "person", "said Rachel Onwuka, the optometrist who leads the service clinically.", question
    )
    assert holds_type(
        "person", "Presenter: Dr Naomi Strand, Consultant and Clinical Lead", question
    )
    # one who speaks, not as its lead, is not the lead
    assert not holds_type("person", 'Dr Amir Khan, a local GP, said: "It works."', question)


def test_why_asks_for_a_reason_not_the_count_it_is_about() -> None:
    from askcases.qa.questions import read_question

    why = read_question(
        "since the DVT service started, why has the overall number of GP referrals gone down?", {}
    )
    assert why.kind is None and why.focus is None
    both = read_question("how many fewer GP referrals were there, and why?", {})
    assert both.kind == "number"
    # shorthand that names the service first: the count is what the tool shows
    tool = (
        "one care bristol what tool are they building to show practices how many bloods they take"
    )
    assert expected_type(tool) is None
