"""Reading a question without a language model: the names it uses, the kind of value it asks for
(money, percentage, date, rate, duration, count, person or body, place), what a "how many"
question counts, and whether it asks for a list; `read_question` does it once per question.

Leaves out: parsing. Every rule here is a pattern over words, so it can be read and tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from askcases.text.acronyms import expand_query
from askcases.text.lexicon import (
    MONTH_NAMES,
    NUMBER_WORD_PATTERN,
    STOPWORDS,
    WORD,
    content_terms,
    matched_terms,
    named_terms,
    same_family,
    stem,
)
from askcases.text.synonyms import defined_terms, group_of, said_alone

# Words that stand in for the thing counted, not name it ("how many new ones").
_PRONOUN_FOCUS = {"one", "ones", "them", "they", "it", "those", "these", "there"}

_ORG_WORDS = (
    "Group|Groups|Trust|Care|Council|Network|Service|Services|Company|Board|Hospital|Hospitals|"
    "Health|Forum|Centre|Commissioning|Clinical|Department|Journal|Consortium|Practice|Award|"
    "Partnership|Partners|Alliance|Enterprise|Federation|Foundation|Committee|Team|Unit|Clinic|"
    "Primary|Community|Integrated|General|Royal|County|Borough|City|District|University|"
    # a place's name is no person's: "Brambleholt Family Hub, 18 Cobbler's Lane"
    "Hub|Hubs|Lane|Road|Street|Avenue|Square|Library|Surgery|Building|Centres|School|Station"
)
# kind: (what in a question asks for it, what in a sentence gives one)
_VALUE = r"(?:\d[\d,.]*|" + NUMBER_WORD_PATTERN + r")"
# the end of a noun phrase: "the name of the GP group in Plymouth", not "the clinic manager"
_NOUN_END = (
    r"(?=\s*(?:$|[?,.;:)-])|\s+(?:in|that|which|who|for|at|of|behind|running|doing|providing)\b)"
)
# "which groups of patients": kinds of people, not a body
_OF_PEOPLE = (
    r"(?!\s+of\s+(?:\w+\s+)?(?:patients|people|users|children|adults|diabetics|residents|clients"
    r"|cases|women|men|carers|families|pupils)\b)"
)
ANSWER_TYPES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "money": (
        re.compile(
            r"\b(?:cost|costs|save|saved|saves|saving|savings|spend|spent|budget|funding|"
            r"money|pounds|price|worth|fee|fees|charge|charges|tariff|paid|pay|payment|grants?|"
            r"(?:contract|annual|financial) value|value of the contract|"
            r"invest\w*|how much (?:did|does|do|will|has|have) (?:\w+ ){1,3}"
            r"(?:give|get|receive|award)s?"
            # "what did practices get for it", not "what does the consultant give GPs"
            r"|what (?:did|does|do|will|has|have) (?:\w+ ){1,3}(?:give|get|receive|award)s?"
            r"(?=\s*(?:$|\?|for\b|per\b|each\b|in return\b)))\b|£",
            re.I,
        ),
        re.compile(r"£\s?\d[\d,.]*(?:\s?(?:million|billion|m|bn|k)\b)?|\d[\d,.]*\s?pounds\b", re.I),
    ),
    "percent": (
        re.compile(
            r"\bper ?cent|\bpercentage\b|%|\bproportion\b|\bshare of\b|\bwhat share\b"
            r"|\b(?:what|which) fraction\b",
            re.I,
        ),
        re.compile(
            r"\d[\d,.]*\s?(?:%|per ?cent\b)|\b" + _VALUE + r" (?:out of|in) (?:every )?"
            r"(?:\d[\d,]*|" + NUMBER_WORD_PATTERN + r")\b"
            # not a period or a time ("half-year performance", "the first half of 2024",
            # "half an hour")
            r"|\b(?:(?<!first )(?<!second )(?<!last )half(?![- ](?:years?|yearly|days?|terms?|"
            r"hours?|hourly|way|time|an? hour)\b)|a quarter(?! of an hour)|a third|a fifth"
            r"|(?<!first )(?<!last )(?<!next )(?:two|three|four)[ -](?:thirds|quarters|fifths)"
            r"(?! of (?:the )?(?:year|(?:19|20)\d\d)))\b",
            re.I,
        ),
    ),
    "date": (
        # "when" asks for a date where it leads the question ("when did it open", "and when
        # was ..."), not where it joins a clause ("did waits fall when it moved?")
        re.compile(
            # ... but not where it opens a clause that sets the scene for the ask ("When less
            # complex patients are first seen in GP surgeries, what format will that take?")
            r"(?:^|[,;:(]\s*|\band |\bor )when\b(?![^?.]{5,150}?,\s*(?:what|how|which|who|where|"
            r"why)\b)|\bwhen (?:did|was|were|is|are|will|does|do|has|"
            r"had|could|can|would)\b|\bwhen\s*\?*$|\bwhat (?:date|year|month|day)\b"
            r"|\bwhich (?:year|month)\b"
            # staff's shorthand: "go live date", "date fourth wave announced", "when announced"
            r"|\b(?:start|launch|announcement|opening|go[- ]live|live|publication|results?|"
            r"closing|completion)\s+dates?\b|^\W*dates?\b|\bwhen\s+(?:announced|launched|"
            r"started|opened|published|introduced)\b"
            # "launch month yr", "start year"
            r"|\b(?:start|launch|opening|go[- ]live)\s+(?:month|year|yr)\b"
            # "care home rounds year started"
            r"|\b(?:year|yr|month|date)\s+(?:it\s+|they\s+)?(?:started|launched|opened|began|"
            r"went live|introduced|set up|announced|published|unveiled)\b",
            re.I,
        ),
        re.compile(
            r"\b\d{1,2}(?:st|nd|rd|th)? "
            + MONTH_NAMES
            + r"(?: (?:19|20)\d{2})?\b|\b"
            + MONTH_NAMES
            + r"(?: \d{1,2})?,? (?:19|20)\d{2}\b|\b(?:19|20)\d{2}\b|\b"
            + MONTH_NAMES
            + r"\b"
            # staff's short dates: "Live 3 Apr 23", "Sept 2023", "Apr 23 - Mar 24"
            r"|\b(?:\d{1,2} )?(?-i:(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec))\.? "
            r"(?:19|20)?\d{2}\b"
            # a season: "due to start later in the spring", "from autumn 2024"
            r"|\b(?:in|by|from|until|till|during|over|this|next|last|early|late|mid)[- ]"
            r"(?:the )?(?:early |late )?(?:spring|summer|autumn|winter)\b"
            r"|\b(?:spring|summer|autumn|winter) (?:of )?(?:19|20)\d{2}\b",
            re.I,
        ),
    ),
    "rate": (
        re.compile(
            r"\bhow (?:common|often|frequent|prevalent)\b|\bwhat rate\b"
            # "the readmission rate", not "what did CQC rate it"
            r"|\brates?\b(?!\s+(?:(?-i:[A-Z])|it\b|them\b|the\b|this\b|their\b|its\b|"
            r"(?:of|per) pay\b))",
            re.I,
        ),
        re.compile(
            _VALUE + r"\b[^.]{0,40}?\b(?:in every|per|each|a) (?:[\d,]+|year|month|week|day)\b"
            r"|\d[\d,.]*\s?(?:%|per ?cent\b)"
            # a table row whose label gives the rate ("| Line infections per 1,000 catheter days
            # | below 0.5 | 0.31 |")
            r"|^\W*\|[^|]*\b(?:per|in every) [\d,]+\b[^|]*\|[^\n]*\d",
            re.I,
        ),
    ),
    "duration": (
        re.compile(
            r"\bhow (?:long|quickly|fast|soon)\b|\bwithin how\b|\bturnaround\b|\bresponse times?\b"
            r"|\bhow many (?:working |calendar )?(?:minutes|hours|days|weeks|months|years)\b"
            # "time from a positive result to treatment", "time to first pain relief"
            r"|\btimes? (?:from|between|until|till)\b|\btimes? (?:it takes )?to (?:be |get )?"
            r"(?:first|start|treat|see|seen|assess|diagnos|review|appointment|pain relief)"
            r"|^(?!.*\b(?:how many|number|numbers|list)\b).*\bwait(?:s|ing)?\b",
            re.I,
        ),
        re.compile(
            r"\b(?:"
            + _VALUE
            + r"|a few|several|(?<!\d\s)a)\s+"  # "88 a month" is a rate
            + r"(?:(?:working|calendar|clear|whole|full)\s+)?"  # "4 working days"
            + r"(?:hours?|hrs?|days?|weeks?|wks?|fortnights?|months?|mths?|years?|yrs?|"
            + r"minutes?|mins?)\b(?!-)",
            re.I,
        ),
    ),
    "number": (
        re.compile(
            r"\bhow (?:many|much|far|big|large)\b|\bwhat (?:number|amount|figure)\b|"
            # a keyword query that ends on a capacity ("virtual ward bed capacity")
            r"^(?!.*\b(?:has|have|had|did|does|do|is|are|was|were|how|what|which|why|when|where"
            r"|who)\b).*\bcapacity\W*$|"
            r"\bnumbers? of\b|\bno\.? of\b|\bnumbers\b|\btotal\b|\baltogether\b|\bheadcount\b"
            r"|\bWTE\b"
            # a keyword query that ends on what it wants: "consultations 2025/26 actual number"
            r"|(?<!phone )(?<!contact )(?<!reference )\bnumber\W*$"
            r"|\b(?:actual|measured|validated|final|exact)\s+number\b"
            # "patients per week", "pts a month": a count in a time
            r"|\b(?:patients|pts|people|referrals|visits|contacts|attendances|admissions|"
            r"appointments|assessments|calls|cases|clients|users|checks|tests|scans)\s+"
            r"(?:per|a|an|each)\s+(?:day|week|month|quarter|year|annum)\b",
            re.I,
        ),
        re.compile(r"\b" + _VALUE + r"\b|£\d", re.I),
    ),
    "person": (
        re.compile(
            r"\bwhich (?:\w+ )?(?:lead|leader|manager|director|officer|minister|"
            r"secretary|coordinator|chair|person)s?\b|\bwhich (?:\w+ )?(?:clinician|doctor)\b"
            r"|\bwho (?:said|announced|spoke|leads)\b"
            # "who is the clinical lead", not "who is the GP-led commissioner": a body
            r"|\bwho is the\b(?! (?:(?!(?:for|of|at|in|with)\b)[\w-]+ ){0,3}?"
            r"(?:commissioners?|providers?|funders?|operators?|hosts?|organisations?|company|"
            r"charity|trust|body|ccg|icb)\b)"
            r"|\bwho[’']s the (?:\w+ ){0,2}(?:lead|leader|manager|director|clinician|doctor|"
            r"minister|secretary|coordinator|chair|person|consultant|officer|spokesperson)\b"
            # "who was the minister that announced it"
            r"|\bwho (?:was|were) the (?:\w+ )?(?:minister|secretary|lead|leader|manager|director|"
            r"officer|coordinator|chair|chairman|chairwoman|chief executive|ceo)s?\b"
            r"|\bwhat(?:'s|’s|s| is| was) the name\b(?! of (?:the |their |its )?"
            r"(?:\w+ ){0,3}(?:group|organisation|company|body|trust|provider|enterprise|"
            r"charity|ccg|icb|consortium|federation|network|pcn|partnership|board|"
            r"service|scheme|programme|clinic|team|hub|initiative)s?" + _NOUN_END + ")"
            # staff's short form: "clinical lead who", "service manager - who"
            r"|\b(?:lead|leader|manager|director|coordinator|chair|consultant)\W{0,3}who\b"
            # the one quoted: "who was the spokesperson", "the clinician quoted"
            r"|\bspokes(?:person|man|woman|people)\b|\b(?:who|clinician|person|doctor|nurse|"
            r"lead|manager)\b[^.?]{0,30}\bquoted\b|\bwho (?:gave|gives|made|makes) the "
            r"(?:quote|comment|statement)\b|\bjob title\b",
            re.I,
        ),
        re.compile(
            r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Sir|Dame|Sister|Matron|Cllr|Councillor)\.? "
            r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"
            r"|\b(?!(?:"
            + _ORG_WORDS
            + r")\b)[A-Z][a-z]+ (?!(?:"
            + _ORG_WORDS
            + r")\b)[A-Z][a-zA-Z]+(?:-[A-Z][a-zA-Z]+)?(?=,| said| \(| has| announced)"
        ),
    ),
    "who": (
        re.compile(
            r"\bwho\b|\bwhose\b|\bwhich (?:\w+ )?(?:organisation|org|company|body|trust|person|"
            r"group|lead|leader|manager|director|officer|clinician|doctor|minister|secretary|provider|"
            r"enterprise|charity|bodies|companies|charities)s?\b" + _OF_PEOPLE + "|"
            r"\bwhat (?:organisation|org|company|body|enterprise)\b|"
            r"\bwhat(?:'s|’s|s| is| was) the name of (?:the |their |its )?(?:\w+ ){0,3}"
            r"(?:group|organisation|company|body|trust|provider|enterprise|charity|ccg|icb|"
            r"consortium|federation|network|pcn|partnership|board)s?" + _NOUN_END,
            re.I,
        ),
        re.compile(
            r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof)\.? [A-Z][a-z]+"
            r"|\b[A-Z][a-zA-Z]+(?: (?:[A-Z][a-zA-Z]+|&))+"
        ),
    ),
    "place": (
        re.compile(
            # "where" asks for a place where it leads the question, not where it joins a clause
            # ("what problem about where results get sent")
            r"(?:^|[,;:(-]\s*|\band |\bor )where\b(?! else)|\bwhere (?:is|was|are|were|do|does|"
            r"did|can|could|will|would|should|has|have|had|based|located|held|situated|and)\b"
            r"|\bwhere\s*\?*$|\b(?:ask|asks|asked|asking|know|tell (?:me|us)|find out|say|said|"
            r"check) where\b"
            r"|\bwhich (?:area|region|town|city|place|county)\b|\blocation\b"
            # "which sites does it run sessions from", "what venues"
            r"|\b(?:which|what) (?:\w+ )?(?:sites|venues|locations|premises|bases)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:in|at|across|based at|near|within|from)\s+(?:the\s+)?"
            r"(?!(?:January|February|March|April|May|June|July|August|September|October|"
            r"November|December|Q[1-4])\b)[A-Z][a-zA-Z&]+"
            # "18 Cobbler's Lane", "Brambleholt Family Hub"
            r"|\b[A-Z][a-z]+(?:['’]s)? (?:Street|Road|Lane|Avenue|Square|Wing|House|Centre|"
            r"Hospital|Hub)\b"
            # a street that opens a body's name is no place ("the Quarleston Street Health Team")
            r"(?! (?:Health|Team|Service|Project|Partnership|Group|Network|Trust)\b)"
        ),
    ),
}


# "how many days" asks for a length of time, "how many pounds" for money: neither counts things;
# "... and how many now" counts what the question counted before it
_HOW_MANY_COUNT = re.compile(
    r"\bhow many\b(?! (?:pounds|per ?cent|percent|(?:working |calendar )?"
    r"(?:minutes|hours|days|weeks|months|years)\b|(?:now|then|before|after|today)\b))",
    re.I,
)


# A question of one ask that opens by asking who ("which charity paid for it") asks for a body
# or person whatever else it speaks of.
_OPENS_WHO = re.compile(
    r"^\W*(?:who|whose|which (?:\w+ )?(?:organisation|org|company|body|trust|provider|enterprise|"
    r"charity|group|charities|companies|bodies|ft)s?)\b" + _OF_PEOPLE,
    re.I,
)


# "people who are short of breath": a "who" that says which people asks for no one
_RELATIVE_WHO = re.compile(
    r"\b(people|patients|those|anyone|someone|everyone|children|kids|women|men|adults|residents|"
    r"families|carers|users|parents|pupils|others)\s+who\b",
    re.I,
)


# "can patients self-refer", "who can refer into it", "how are patients referred": asks how
# people reach the service, which a sentence answers only where it speaks of referral
_REFERRAL_ASKED = re.compile(
    r"\bself[- ]?refer|\bwho (?:\w+ )?(?:can|is able to|are able to|may|is allowed to|"
    r"will be able to) refer\b|\bhow (?:can|do|are|is|does|would|should) (?:\w+ ){0,4}"
    r"(?:be )?referred\b|\breferral (?:route|routes|process|pathway|criteria)\b|"
    # "refer into", not in a clause that names the service ("the service that GPs refer into")
    r"(?<!\bthat )(?<!\bwhich )(?<!\bthat GPs )(?<!\bwhich GPs )(?<!\bthat practices )"
    r"\brefer (?:in|into|themselves|directly|straight)\b|\bwho refers\b"
    # "how do i get an appointment with the practitioner": the way in
    r"|\bhow (?:do|can|does|would|should|to) (?:i |you |we |patients |people |someone |"
    r"a patient |families |parents |carers )?(?:get|book|make|arrange|request) "
    r"(?:an? |their |my |your )?(?:appointment|referral|seen|into|onto|on to)\b"
    r"|\bhow (?:do|can|does) (?:\w+ ){0,2}access (?:the|this|their) (?:service|clinic)\b",
    re.I,
)
_REFERRAL = re.compile(
    r"\brefer\w*|\bself-refer\w*|\bbook (?:\w+ ){0,3}(?:directly|themselves)\b|"
    r"\bwithout (?:needing to see |seeing |a referral from )?(?:a|their) GP\b",
    re.I,
)


# how a referral is made: who may make it, through what, from whom
_REFERRAL_ROUTE = re.compile(
    r"\b(?:can|may|could|through|via|using|directly|self-refer\w*|e-referral\w*|"
    r"by (?:their|a|the|your|any)|from (?:their|a|the|any|your))\b",
    re.I,
)


# "which COPD patients in Mellingdon can have the review", "which patients are eligible",
# "dexa eligibility": who may use the service
_WHICH_MAY_USE = re.compile(
    r"\bwhich (?:[\w-]+ ){0,2}(?:patients|people|children|kids|adults|women|men|residents|"
    r"clients|families|babies|pts)\b(?: [\w-]+){0,4}? (?:(?:are|is) (?:eligible|suitable|"
    r"allowed|entitled|able to)|(?:can|may|could) (?:have|get|use|join|access|be referred|"
    r"attend|book|self-refer))\b"
    r"|^(?:(?!\b(?:how many|how much|what share|what proportion|what percentage)\b).)*"
    r"\b(?:eligibility|entry criteria|inclusion criteria)\b",
    re.I,
)


# "who is allowed to order a kit", "who's eligible", "who can use it": asks which people
# may use the service (its eligibility), not which body runs it
_WHO_MAY_USE = re.compile(
    r"\bwho(?:'s|’s| is| are)? (?:elig\w*|allowed|entitled|able to|qualif\w+|can (?:use|get|order|"
    r"access|join|have|self-refer|be referred|apply|attend|book|come))\b",
    re.I,
)


# the age a service is open to: "age cut-off", "what's the upper age limit"
_AGE_LIMIT = re.compile(
    r"\bage (?:cut-?offs?|limits?|range|bands?|criteri\w+)\b|\b(?:upper|lower|maximum|minimum|max|"
    r"min) age\b"
    # "from what age", "what age can children be seen from", "how old do you have to be"
    r"|\b(?:from|at|up to|until|over|under) what age\b|\bwhat age\b[^?]{0,40}\b(?:from|up to|"
    r"until|over|under)\W*$|\bhow old (?:do|does|must|should) (?:you|they|people|patients|"
    r"children|kids|someone|pts) (?:have to |need to )?be\b",
    re.I,
)


# "where are the results of hospital-requested bloods supposed to go": where a thing is sent
_WHERE_SENT = re.compile(
    r"\bwhere (?:are|is|do|does|did|should|will|would) (?:the )?(?:[\w-]+ ){0,6}?"
    r"(?:results?|reports?|letters?|information|data|samples?)\b[^?]{0,60}?\b(?:go|goes|sent|"
    r"returned|end up|ends up)\b"
    # "where do GPs in Redbridge send people with skin problems": to whom, as often as where
    r"|\bwhere (?:do|does|did|can|should|will|would) (?:the )?(?:[\w-]+ ){0,4}?"
    r"(?:send|refer|direct|signpost)\b",
    re.I,
)
# staff's shorthand ending on a role: "... menopause clinic clinical lead", "... service manager",
# "... GP clinical lead for diabetes name"
_KEYWORD_ROLE = re.compile(
    r"\b(?:lead|leader|manager|director|coordinator|chair|consultant|clinician|matron)"
    r"(?: (?:for|of) [\w-]+(?: [\w-]+)?)?(?:'?s)?(?:,? (?:name|named|who))?\W*$",
    re.I,
)


# what a sentence says of who may use a service: "Anyone aged 65 or over ... can join if they
# have fallen", "open to adults registered with", "eligible", "the criteria are"
_ELIGIBILITY = re.compile(
    r"\baged? (?:\d+|over|under|between|from)\b|\b\d+ (?:or|and) (?:over|older|above|under)\b"
    r"|\bover[- ]\d+s?\b|\b(?:can|may|could|are able to|is able to) (?:join|use|be referred|"
    r"refer themselves|self-refer|attend|get|order|access|apply|book|have)\b|\bopen to\b"
    r"|\beligib\w*|\bcriteria\b|\bentitled\b|\bqualify\b"
    # "for babies under 12 weeks old", "children up to the age of 18"
    r"|\b(?:under|over|up to|younger than|older than) (?:\d+|" + NUMBER_WORD_PATTERN + r") "
    r"(?:weeks?|months?|years?) (?:old|of age)\b|\bup to the age of\b|\bfor ages \d+",
    re.I,
)


def expected_type(question: str) -> str | None:
    """The kind of value the question asks for, or None for an open question ("how many GP
    appointments were saved" asks for a count, not money; "what do GPs arrange for people who
    are short of breath" asks for no one)."""
    question = _RELATIVE_WHO.sub(r"\1 that", question)
    if (
        _REFERRAL_ASKED.search(question)
        and not _HOW_MANY_COUNT.search(question)
        and not ANSWER_TYPES["percent"][0].search(question)
    ):  # "what proportion self-referred" asks for a share of them
        return "referral"
    if _HOW_PAID.search(question) and not _HOW_MUCH.search(question):
        return "payment"  # "how are practices paid for bloods": the way, not a sum
    if _WHO_MAY_USE.search(question) or _WHICH_MAY_USE.search(question):
        return "eligibility"
    if _WHERE_SENT.search(question):
        return None  # "where are the results supposed to go": to whom, not a place
    if _OPENS_WHO.search(question) and len(_NEXT_ASK.split(question)) == 1:
        return next((n for n in ("person", "who") if ANSWER_TYPES[n][0].search(question)), "who")
    if _HOW_MANY_COUNT.search(question) and not _SEES_HOW_MANY.search(question):
        return "number"
    if _SAVED_COUNT.search(question) and not _ASKS_MONEY.search(question):
        return "number"  # "bed days saved" counts days of a bed, not money
    for name, (asks, _) in ANSWER_TYPES.items():
        if name == "number" and _SEES_HOW_MANY.search(question):
            continue
        if asks.search(question):
            return name
    if _KEYWORD_COUNT.search(question) and not _WH_WORD.search(question):
        return "number"  # "podiatry patients treated 2023/24": a count, in shorthand
    if _KEYWORD_ROLE.search(question) and not _WH_WORD.search(question):
        return "person"  # "kellingmoor menopause clinic clinical lead": who it is
    if _AGE_LIMIT.search(question):
        return "eligibility"  # "tongue-tie clinic age cut-off": who may use it, by age
    return None


# What a question asks for by the form of its answer rather than a kind of value, each with
# the words of a sentence that gives it:
# - a reason, or what limits a finding: "why does the evaluation say you can't put the drop down
#   to the falls service", "what weakness does the business case own up to", "what other change
#   might partly explain it" -> "because", "cannot be put down to ... alone", "no control group";
# - another name: "what else is the bloods programme called" -> "otherwise referred to as".
ASKED_FORMS: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "reason": (
        re.compile(
            r"\bwhy\b|\bhow come\b"
            r"|\b(?:what|which|any)\s+(?:\w+\s+){0,2}?(?:caveats?|limitations?|weakness(?:es)?|"
            r"reasons?|explanations?|flaws?|doubts?)\b"
            r"|\bwhat\s+(?:else|other\s+\w+(?:\s+\w+)?)\s+(?:\w+\s+){0,3}?(?:explain|account)\w*\b"
            r"|\b(?:treated|taken|read)\s+with\s+caution\b"
            r"|\bput\s+(?:\w+\s+){0,6}?down\s+to\b",
            re.I,
        ),
        re.compile(
            r"\b(?:because|due to|owing to|thanks to|as a result|on account of|"
            r"(?:has|have|had) led to|leads? to|resulted? in|result of|reasons?|explains?|"
            r"explained by|partly|in part|"
            r"(?:cannot|can't|can not|could not|couldn't) be (?:put down|attributed|credited)|"
            r"attribut\w+|caveats?|limitations?|weakness\w*|caution|cautious|bias\w*|"
            r"(?:no|without a) (?:control|comparison) group|regression to the mean|confound\w*|"
            r"overstate\w*|understate\w*|may not reflect|would have happened anyway)\b",
            re.I,
        ),
    ),
    "other name": (
        re.compile(
            r"\bwhat else (?:is|are|was|were|do|does)\b.{0,60}?\b(?:call\w*|known|named|referred)\b"
            r"|\b(?:other|another|alternative|different|former|old) names?\b"
            r"|\b(?:also|otherwise) (?:called|known|named|referred)\b|\baka\b",
            re.I,
        ),
        re.compile(
            r"\b(?:otherwise|also|sometimes|formerly|previously|commonly|locally)\s+"
            r"(?:referred to|known|called|named)\b|\bknown (?:locally )?as\b|\baka\b"
            r"|\bbranded as\b|\brenamed\b",
            re.I,
        ),
    ),
}
# What a "why" question asks for by name is a kind of answer, which an article need not name: a
# weakness is "the pilot had no control group".
REASON_NOUNS = frozenset(
    stem(w)
    for w in "caveat caveats limitation limitations weakness weaknesses reason reasons "
    "explanation explanations flaw flaws doubt doubts".split()
)


def asked_form(request: str) -> str | None:
    """The form of answer the asker's request asks for (ASKED_FORMS), if any."""
    return next((name for name, (asks, _) in ASKED_FORMS.items() if asks.search(request)), None)


def gives_form(form: str, sentence: str) -> bool:
    """Whether a sentence gives an answer of that form, by its words."""
    return ASKED_FORMS[form][1].search(sentence) is not None


# Things a service saves that are counted, not paid for: "bed days saved", "freed up 40 beds".
_SAVED_COUNT = re.compile(
    r"\b(?:bed[- ]?days?|appointments?|admissions?|journeys?|trips?|visits?|attendances?|miles|"
    r"beds|conveyances?|call-?outs?|slots)\s+(?:saved|avoided|freed|released)\b"
    r"|\b(?:sav(?:e|ed|es|ing)|free[ds]?|freeing)\s+(?:up\s+)?(?:\S+\s+){0,2}?"
    r"(?:bed[- ]?days?|appointments|beds|journeys|miles|slots|conveyances|call-?outs)\b",
    re.I,
)
_ASKS_MONEY = re.compile(r"£|\b(?:worth|money|pounds|cost|costs|financial|cash|value)\b", re.I)

# A "how many" that is part of what is asked about ("what is One Care building so practices can
# see how many blood tests they do") asks for no count.
_SEES_HOW_MANY = re.compile(
    # staff's shorthand may name the service first ("one care bristol what tool ...")
    r"(?:^\W*(?:[a-z&-]+\s+){0,4}?|[,;:]\s+)(?:what|what's|whats|which)\b.*\b(?:see|track|monitor|"
    r"show|record|measure|"
    r"check|tell)\s+(?:[\w-]+\s+){0,2}?how many\b",
    re.I,
)

# How something is paid for, not how much: "how do practices get paid for doing hospital
# bloods", "what's the fee model", "what payment arrangement did they agree".
_HOW_PAID = re.compile(
    r"\bhow (?:are|is|do|does|did|will|would|were|was|can|should)\b[^?.]*?"
    r"\b(?:paid|funded|reimbursed|remunerated|commissioned)\b"
    r"|\b(?:fee|payment|funding|pay|tariff|contract\w*)\s+(?:model|arrangements?|mechanism|system|"
    r"basis|structure|method|route|terms|set-?up|deal|agreement)\b"
    r"|\bwhat (?:sort of |kind of |type of )?(?:deal|arrangement)\b[^?.]*\b(?:paid|pay|payment|"
    r"funded|reimburs\w+)\b",
    re.I,
)
# a sentence that says how something is paid for ("negotiating an item of service fee so
# practices were sufficiently remunerated")
_PAYMENT = re.compile(
    r"\b(?:fees?|paid|pay|pays|payments?|remunerat\w*|reimburs\w*|tariffs?|funded|funding|"
    r"contract(?:s|ed)?|commissioned|budgets?|grants?|per (?:patient|test|visit|item|case))\b",
    re.I,
)
_HOW_MUCH = re.compile(r"\bhow much\b|£|\bwhat (?:fee|price|sum|amount)\b|\bvalue of\b", re.I)

# Shorthand for a count of people or cases over a time, in a question of keywords alone.
_KEYWORD_COUNT = re.compile(
    r"\b(?:patients|pts|people|children|cyp|adults|referrals|clients|residents|cases)\s+"
    r"(?:seen|treated|referred|assessed|visited|admitted|discharged|supported|reviewed|"
    r"avoided|prevented|received|completed)\b"
    # "bnp tests year one", "allergy numbers 2024/25": things done, in a year
    r"|\b(?:tests|scans|checks|reviews|appointments|visits|referrals|admissions|attendances|"
    r"patients|children|contacts|calls|consultations)\s+(?:in\s+|for\s+)?"
    r"(?:year (?:one|two|three|1|2|3)|(?:the )?(?:first|second|last|this) year|"
    r"(?:19|20)\d{2}(?:[/-]\d{2})?|a year|per year|annually)\b",
    re.I,
)
_WH_WORD = re.compile(r"\b(?:which|what|who|whom|whose|why|how|where|when|whether)\b", re.I)


# "60 per cent", "5-10%", "5 to 10 per cent": a range of percentages is one
_PERCENTAGE = re.compile(
    r"\d[\d,.]*(?:\s?%?\s?(?:-|–|to)\s?\d[\d,.]*)?\s?(?:%|per ?cent\b|percentage points?\b)", re.I
)
# A period named by its number ("year two", "quarter 3", "the first quarter"): it counts nothing.
_PERIOD_NAMED = re.compile(
    r"\b(?:year|quarter|phase|wave|stage|cohort|tranche)\s+(?:one|two|three|four|five|\d{1,2})\b"
    r"|\b(?:first|second|third|fourth|final|last|next)\s+(?:quarter|half)\b",
    re.I,
)
_SPAN_WORD = re.compile(r"\b\d+-(?:minute|hour|day|week|month|year)\b", re.I)
# "one of the consultants" picks one out: it counts none of them
_ONE_OF = re.compile(r"\bone of (?:the|their|its|our|these|those|them)\b", re.I)
_FOOTNOTE_MARK = re.compile(r"(?<=[A-Za-z)])\s?(?:\(\d{1,2}\)|\[\d{1,2}\]|[¹²³⁴⁵⁶⁷⁸⁹])(?=\s*\|)")
# a markdown footnote's mark or label ("Median wait (weeks) [^1]", "[^2]: Proportion of ...")
MD_FOOTNOTE = re.compile(r"\[\^[\w-]{1,12}\]:?")
_YEAR_SPAN = re.compile(r"\b(?:19|20)\d{2}\s?[/–-]\s?(?:19|20)?\d{2}\b")  # "2019/20", "2020-21"


# A rate named by what it counts ("completion rate", "DNA rate"), and a question for how often.
_NAMED_RATE = re.compile(r"\b[a-z][a-z-]+ rates?\b", re.I)
_ASKS_FREQUENCY = re.compile(
    r"\bhow (?:often|frequent)|\bfrequency\b|\b(?:a|per|each|every) (?:day|week|month|year)\b"
    r"|\b(?:daily|weekly|monthly|yearly)\b",
    re.I,
)
# A value in a time: "one day a week", "twice a month", "30 a month".
_PER_TIME = re.compile(r"\b[\w,.]+(?: [a-z]+){0,3} (?:a|per|each) (?:day|week|month|year)\b", re.I)


# A number word in a name: capitalised inside a sentence ("supported by One Care", "across Three
# Rivers"), or "One" opening a sentence before a capitalised word ("One Care has been involved");
# "Two Dementia Advisers from the Alzheimer's Society" opening a sentence counts two.
_NAMED_NUMBER = re.compile(
    r"(?:(?<=[a-z0-9,;:] )(?:One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten)|^\W*One)"
    r"(?= [A-Z][a-z])"
)


def new_values(kind: str | None, sentence: str, question: str) -> list[str]:
    """Values of that kind in the sentence that the question does not already contain."""
    if kind is None:
        return []
    asked = set(content_terms(question)) | {w.lower() for w in WORD.findall(question)}
    # a table cell's footnote mark ("| frequent attenders (1) |") is no value
    sentence = _FOOTNOTE_MARK.sub(" ", MD_FOOTNOTE.sub(" ", sentence))
    # nor is a number word that names a body or a place ("One Care", "in Three Rivers")
    sentence = _NAMED_NUMBER.sub(" ", sentence)
    if kind == "number":  # a date's day and year count nothing ("launched on 1 March 2021")
        sentence = ANSWER_TYPES["date"][1].sub(" ", _YEAR_SPAN.sub(" ", sentence))
        if _HOW_MANY_COUNT.search(question) or _NUMBER_OF.search(question):
            # "88% of people", "six months", "£148 a baby", "by the end of year two" count no one
            sentence = _PERCENTAGE.sub(" ", sentence)
            sentence = ANSWER_TYPES["duration"][1].sub(" ", sentence)
            sentence = ANSWER_TYPES["money"][1].sub(" ", sentence)
            sentence = _ONE_OF.sub(" ", sentence)
            sentence = _PERIOD_NAMED.sub(" ", sentence)
            sentence = _SPAN_WORD.sub(" ", sentence)  # "30-day readmissions", "12-week course"
    if kind == "rate" and _NAMED_RATE.search(question) and not _ASKS_FREQUENCY.search(question):
        # "the home-based completion rate" is a share, not "one day a week"
        sentence = _PER_TIME.sub(" ", sentence)
    values = []
    for found in ANSWER_TYPES[kind][1].finditer(sentence):
        words = [w.lower() for w in WORD.findall(found.group(0))]
        meaningful = [w for w in words if w not in STOPWORDS and w not in {"in", "at", "from"}]
        if any(w not in asked and stem(w) not in asked for w in meaningful):
            values.append(found.group(0))
    return values


# A results-table row whose label names its unit ("| Response time (minutes) | 164 | 71 |").
_TIMED_ROW = re.compile(r"^\|[^|]*\b(?:minutes|mins|hours|days|weeks|months)\b[^|]*\|\s*\d", re.I)


# Staff who do the work: "who does home visits" is answered by "physios go and treat patients".
_DOERS = re.compile(
    r"\b(?:physios?|physiotherapists?|nurses?|pharmacists?|therapists?|paramedics?|GPs|doctors?|"
    r"consultants?|podiatrists?|audiologists?|optometrists?|opticians?|dietitians?|midwi(?:fe|ves)|"
    r"health visitors?|link workers?|support workers?|practitioners?|psychologists?|"
    r"clinicians?|specialists?|volunteers?)\b",
    re.I,
)
# "which groups will be involved", "which partners": kinds of body may answer
_WHICH_PARTNERS = re.compile(
    r"\b(?:which|what) (?:other )?(?:groups|partners|organisations|organizations|bodies|agencies|"
    r"sectors)\b",
    re.I,
)
_KINDS_OF_BODY = re.compile(
    r"\b(?:social services|social care|(?:local )?schools|colleges|employers|charities|"
    r"voluntary (?:sector|groups|organisations)|community groups|faith groups|churches|"
    r"(?:local )?councils?|local authorit(?:y|ies)|housing associations?|public health|"
    r"pharmacies|police|fire service|ambulance service|care homes|hospices|universit(?:y|ies)|"
    r"leisure centres|libraries|job ?centres?)\b",
    re.I,
)
# "who does", "who carries out", "who sees": asks for the staff who do it, not only a body
_WHO_DOES = re.compile(
    r"\bwho (?:does|do|did|carries out|carry out|sees|see|visits|visit|treats|treat|delivers|"
    r"deliver|takes|take|gives|give|fits|fit|reviews|review|assesses|assess|works|work|worked)\b",
    re.I,
)
# "who's on the team", "who is in the team": its members, the staff it is made of
_WHO_IS_ON = re.compile(
    r"\bwho(?:'s|\u2019s|\s+is|\s+are|\s+was|\s+were)\s+(?:actually\s+)?(?:on|in)\s+"
    r"(?:the|their|its)\b"
    # "which clinicians staff the clinic": the kinds of staff, not a named person
    r"|\bwhich (?:\w+ )?(?:clinicians|doctors|staff|professionals|professions|roles)\b",
    re.I,
)


# What only a body does, or is: "who runs it", "who commissioned it", "which trust", "who said".
# Any other "who" ("who sits in with the GPs") may be answered by the staff who do it.
_ORG_ACT = re.compile(
    r"\b(?:run|runs|ran|running|operat\w*|provid\w*|commission\w*|fund\w*|pay|pays|paid|"
    r"paying|own\w*|manag\w*|host\w*|contract\w*|set up|sets up|develop\w*|buil[dt]\w*|"
    r"award\w*|announc\w*|shortlist\w*|nominat\w*|lead|leads|led|organis\w*|partner\w*|"
    r"said|say|says|quoted|spoke|thank\w*|behind|responsible|in charge|company|organisation|"
    r"org|body|trust|charity|enterprise|ccg|icb|provider)\b",
    re.I,
)
# Where care is given, which answers "where are they treated" but not "where is the team based".
_SETTING = re.compile(
    r"\b(?:at|in) (?:their |patients'? |people's |the patient's )?(?:own )?homes?\b"
    r"|\bin (?:the )?community\b|\bin (?:local )?(?:GP )?(?:practices|surgeries)\b",
    re.I,
)
_BASED = re.compile(r"\b(?:based|located|situated|address|headquarter\w*|hq)\b", re.I)


# A sentence that says the figure is not held ("Information not held.", "... are recorded as
# part of general visits and cannot be separated"): its numbers are no answer.
_NOT_HELD = re.compile(
    r"\b(?:information|data|figures?|records?|numbers?)\s+(?:is\s+|are\s+|was\s+|were\s+)?"
    r"not\s+(?:held|recorded|collected|kept|(?:yet\s+)?available)\b"
    r"|\bcannot\s+be\s+(?:separated|identified|extracted|split|broken\s+down)\b"
    r"|\b(?:is|are|was|were)\s+not\s+(?:separately\s+)?(?:recorded|collected)\b",
    re.I,
)


def asks_members(question: str) -> bool:
    """Whether a "who" question asks who a team is made of ("who's on the team")."""
    return _WHO_IS_ON.search(question) is not None


def names_doers(question: str, sentence: str) -> bool:
    """Whether a "who does it" question ("who carries out the checks", "who's on the team") is
    answered by the staff the sentence names who do the work, beyond those the question names."""
    if not (_WHO_DOES.search(question) or _WHO_IS_ON.search(question)):
        return False
    asked = {w.lower() for w in WORD.findall(question)}
    return any(m.group(0).lower() not in asked for m in _DOERS.finditer(sentence))


# the role a "who is the ..." question asks for ("who's the palliative care consultant doing
# sessions", "who is the clinical lead"): a sentence that answers names the role
_ROLE_ASKED = re.compile(
    r"\bwho(?:'s|’s| is| was) the (?:[\w-]+ ){0,3}?(consultant|manager|director|matron|chair"
    r"|coordinator|pharmacist|nurse|physiotherapist|psychologist|geriatrician|cardiologist"
    r"|dermatologist|surgeon|gp)s?\b",
    re.I,
)


# a "who leads it" question ("who's the clinical lead", "... clinical lead", "who heads the
# team"), and a sentence that names a lead ("Dr Naomi Strand, Consultant Dermatologist and Clinical
# Lead", "the optometrist who leads the service clinically")
_LEAD_ASKED = re.compile(
    r"\b(?:clinical|service|medical|nursing|nurse|project|programme|team|GP|joint) leads?\b"
    r"|\bwho (?:leads|led|heads|headed|is leading|was leading)\b",
    re.I,
)
_NAMES_LEAD = re.compile(r"\b(?:leads?|led|leaders?|leading|heads?|headed)\b", re.I)


def holds_type(kind: str | None, sentence: str, question: str) -> bool:
    """Whether the sentence gives a value of the kind asked for, beyond what the question says;
    a sentence that says the figure is not held gives none."""
    if kind is not None and _NOT_HELD.search(sentence):
        return False
    if kind == "duration" and _TIMED_ROW.match(sentence.strip()):
        return True
    if kind == "person" and (role := _ROLE_ASKED.search(question)) is not None:
        # "who's the palliative care consultant": a person of another role is not the one
        wanted = stem(role.group(1))
        if not any(same_family(wanted, t) for t in content_terms(sentence)):
            return False
    elif kind == "person" and _LEAD_ASKED.search(question) and not _NAMES_LEAD.search(sentence):
        return False  # "who's the clinical lead": one who speaks, or runs it, is not the lead
    if kind == "who" and (
        _WHO_DOES.search(question) or _WHO_IS_ON.search(question) or not _ORG_ACT.search(question)
    ):
        asked = {w.lower() for w in WORD.findall(question)}
        if any(m.group(0).lower() not in asked for m in _DOERS.finditer(sentence)):
            return True
    if kind == "who" and _WHICH_PARTNERS.search(question):
        # "which groups will be involved": "social services, local schools, employers and
        # community groups" name kinds of body, not one by name
        if len({m.group(0).lower() for m in _KINDS_OF_BODY.finditer(sentence)}) >= 2:
            return True
    if kind == "place" and not _BASED.search(question) and _SETTING.search(sentence):
        return True  # "where are they treated now": "in their own homes"
    if kind == "referral":
        # "| Back pain referrals received | 1,870 |", "38% were referred on to physiotherapy":
        # a count of referrals or of where patients went next is no way in
        counted = sentence.lstrip().startswith("|") or (
            any(c.isdigit() for c in MD_FOOTNOTE.sub(" ", sentence))
            and _REFERRAL_ROUTE.search(sentence) is None
        )
        return _REFERRAL.search(sentence) is not None and not counted
    if kind == "payment":
        return _PAYMENT.search(sentence) is not None
    if kind == "eligibility":
        return _ELIGIBILITY.search(sentence) is not None
    return kind is None or bool(new_values(kind, sentence, question))


_HOW_MANY = re.compile(
    # "how many in each" names nothing it counts
    r"\bhow many (?!(?:in|of|at|per|a|each|every)\b)"
    r"((?:[a-z-]+\s+){0,3}?[a-z-]+?)\s+(?:do|does|did|are|is|were|was|have|has|had|"
    r"will|would|can|could|in|of|at|per|a|each|every)\b(?!&)",  # not the "A" of "A&E"
    re.I,
)
# Endings of words that end in s but count one thing ("diabetes", "thrombosis", "status").
_NOT_PLURAL = ("ss", "etes", "osis", "esis", "itis", "us", "news", "ries", "eans", "ics")
# Plurals that do not end in s ("how many children with asthma": the children are counted).
_PLURAL_WORDS = {"people", "children", "men", "women", "staff", "feet", "teeth", "personnel"}
_HOW_MANY_DID = re.compile(
    r"\bhow many [a-z]+ed (?:their|the|to|in|at|on|up|out|from|a|an|it|them)\b", re.I
)
# "the number of referrals", "number of older people seen", "total visits", "patient numbers"
_NUMBER_OF = re.compile(
    r"\b(?:numbers? (?:of|for|on)|no\.? of|total) (?:[a-z-]+ ){0,2}?"
    r"([a-z-]+s|people|children|men|women|staff)\b"
    r"|\b(?!(?:the|these|those|some|any|actual|exact|real|hard|latest|headline|overall|rough|"
    r"final|key|raw|up-to-date|recent|current|official|precise|accurate|detailed|your|their|its"
    r"|our|my|before|after|and|or)\b)(?-i:(?![A-Z]))([a-z-]+) numbers\b",  # not "the Wigan numbers"
    re.I,
)
_AFTER_HOW_MANY = re.compile(r"\bhow many ((?:[a-z&'-]+\s*){1,4})", re.I)
# Words a count of people may use for the same people.
PEOPLE = {stem(w) for w in "people patients pts population residents individuals persons".split()}
# Words for the people a service sees: a count of any of them may answer "how many" of another.
PATIENTS = PEOPLE | {
    stem(w)
    for w in "users clients carers adults children pupils mothers babies callers attendees "
    "participants members families diabetics smokers survivors cases".split()
}
# Groups of people of an age or a stage, none of which a count of another group answers: "286
# adults" is no count of children.
LIFE_STAGES = {stem(w) for w in "adults children child kids pupils mothers babies infants".split()}
# Words for those who work in a service: "how many staff" is answered by a count of any of them
# ("a team of 42 call handlers and mental health practitioners").
STAFF = {
    stem(w)
    for w in "staff workforce employees nurses therapists physiotherapists audiologists "
    "pharmacists podiatrists doctors gps consultants assistants workers practitioners clinicians "
    "paramedics coordinators handlers specialists advisers advisors navigators psychologists "
    "dietitians midwives officers psychiatrists optometrists professionals wte".split()
}
# Words for staff of any kind: "how many practitioners" is answered by a count of midwives.
GENERIC_STAFF = {
    stem(w)
    for w in ("staff", "workforce", "employees", "practitioners", "clinicians", "professionals")
}
_LIST_QUESTION = re.compile(
    r"^(?:which|what) (?:[a-z]+ )?[a-z]+s\b(?! (?:is|was|does|did|has)\b)|\blist\b|\bexamples\b|"
    r"\bwhere else\b|\bwhich (?:areas|initiatives|schemes|services|places|groups|ccgs)\b",
    re.I,
)


def _counted_words(question: str) -> list[str]:
    """The words naming what a "how many" question counts: up to the auxiliary verb or
    preposition that follows them, else up to the first plural noun ("how many nurses work")."""
    if _HOW_MANY_DID.search(question):  # "how many moved their checks": people
        return ["people"]
    found = _HOW_MANY.search(question)
    after = _AFTER_HOW_MANY.search(question)
    words = found.group(1).split() if found else after.group(1).split()[:4] if after else []
    for i, word in enumerate(words):
        low = word.lower()
        if low.endswith(("'s", "’s", "s'")):
            continue  # "older people's care homes": the homes are counted
        if (
            low in _PLURAL_WORDS
            or len(low) > 3
            and low.endswith("s")
            and not low.endswith(_NOT_PLURAL)
        ):
            return words[: i + 1]
    if not found and not after:  # "the number of referrals", "patient numbers"
        number = _NUMBER_OF.search(question)
        return [number.group(1) or number.group(2)] if number else []
    return words if found else []


def focus_noun(question: str) -> str | None:
    """The thing a "how many" question counts ("nurses" in "how many nurses does ...")."""
    words = _counted_words(question)
    if not words:
        return None
    word = words[-1].lower()
    return None if word in _PRONOUN_FOCUS else stem(word)


_OTHER_NAME = re.compile(
    r"\b(?:other|another|different|alternative|second|also)\s+(?:\w+\s+)?names?\b", re.I
)
_NAMING = frozenset(
    stem(w) for w in ("otherwise", "known", "called", "aka", "dubbed", "termed", "referred")
)

# The head nouns of a count that staff drop: "blood tests" are "bloods".
_DROPPED_HEADS = frozenset(stem(w) for w in ("tests", "checks", "samples", "draws", "scans"))
# what people counted by a verb are counted as ("patients referred": referrals)
_COUNTED_AS = {"refer": "referr", "referr": "referr", "admit": "admiss", "admiss": "admiss"}


def _counted_otherwise(question: str, focus: str) -> frozenset[str]:
    """Other words that count what a "how many" question counts: the word before a test's head
    noun that staff say alone ("how many blood tests": "18,000 bloods"), with its group; and for
    people counted by what was done to them, that act's noun ("how many new patients ... were
    referred": "66 new referrals")."""
    words = _counted_words(question)
    found: set[str] = set()
    if focus in _DROPPED_HEADS and len(words) >= 2 and said_alone(words[-2]):
        before = stem(words[-2].lower())
        found |= {before} | group_of(before)
    if focus in PATIENTS:
        found |= {_COUNTED_AS[t] for t in content_terms(question) if t in _COUNTED_AS}
        if _SENT_ON.search(question):  # "patients sent on to the spinal surgeons": referrals
            found.add(_COUNTED_AS["refer"])
    if focus == _PLACE and not _PLACES_TAKEN.search(question):
        found |= group_of(stem("sites"))  # "how many local places treat clots": the centres
    return frozenset(found)


_SENT_ON = re.compile(r"\b(?:sent|passed|handed) (?:on |onwards? )?to\b", re.I)
_PLACE = stem("places")
# places on a course or a list are seats, not sites: "how many places on the course"
_PLACES_TAKEN = re.compile(r"places\s+(?:on|for|available|offered|filled|left|taken)", re.I)


def focus_text(question: str) -> str:
    return " ".join(_counted_words(question))


def says_counted_verb(focus: str | None, terms: set[str]) -> bool:
    """Whether a sentence with these terms uses the verb of the counted noun: "1,065 women were
    referred" counts referrals ("refer" of "referr"); "1,150 people have started" counts
    starters."""
    if focus is None:
        return False
    return (
        any(len(t) >= 5 and len(focus) == len(t) + 1 and focus.startswith(t) for t in terms)
        # the doer of the verb: "starters" are counted by "people have started"
        or (focus.endswith("er") and len(focus) >= 6 and focus[:-2] in terms)
        # a verb whose noun is spelt otherwise: "expect to admit about 2,600 patients"
        or _NOUN_VERBS.get(focus, "") in terms
    )


_NOUN_VERBS = {
    stem(noun): stem(verb)
    for noun, verb in (
        ("admissions", "admit"),
        ("readmissions", "readmit"),
        ("conveyances", "convey"),
        ("prescriptions", "prescribe"),
    )
}


def holds_focus(focus: str, terms: set[str] | frozenset[str]) -> bool:
    """Whether the stems hold the counted thing; a joined word as its parts, as a sentence's
    terms are read ("call-outs": "call", "out")."""
    return focus in terms or ("-" in focus and set(focus.split("-")) <= terms)


def counts_focus(focus: str | None, terms: set[str], related: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence with these terms speaks of the counted thing (people ~ patients;
    `related`: other words for it, such as "centres" for "sites")."""
    if focus is None or holds_focus(focus, terms) or related & terms:
        return True
    if says_counted_verb(focus, terms):
        return True
    if focus in GENERIC_STAFF:
        return bool(STAFF & terms)
    if focus in LIFE_STAGES:
        return bool((PATIENTS - LIFE_STAGES) & terms)
    return focus in PATIENTS and bool(PATIENTS & terms)


# Words of a question that ask whether something changed ("are fewer people taken to A&E", "did
# waits go down", "uptake now compared with before"): the answer is a result, a before and after
# or a change.
_CHANGE_QUESTION = re.compile(
    r"\b(?:fewer|less|more|go(?:ne|es)? (?:down|up)|went (?:down|up)|c[oa]me down|fall|fell|drop"
    r"|dropped|cut|cuts|reduc\w*|rise|rose|increas\w*|improv\w*|better|worse|uptake|compared"
    r"|before|change\w*|difference|impact|effect|results?|outcomes?|bring|brought|lower\w*"
    r"|shorter|faster|quicker|halv\w*|doubl\w*)\b|\bwhat(?:'s| has)? happen(?:ed|s) (?:to|with)\b",
    re.I,
)


_ASKED_NOUN = re.compile(r"\b(?:which|what)((?:\s+[a-z][a-z-]*[a-z]){1,4})", re.I)
_KIND_OF = re.compile(r"\b(?:which|what)\s+(?:kinds?|types?|sorts?|forms?)\s+of\b", re.I)
_NOT_ASKED = {"happen", "happens", "about", "else", "other", "way", "ways", "sort", "kind", "type"}
_PRONOUNS = {"others", "everyone", "everybody", "anyone", "anybody", "someone", "somebody", "you"}
# Words for kinds of thing whose instances an article names rather than the word itself: a
# scheme or a specialty ("ophthalmology"), a place ("a church hall"), a body, a time ("on
# Tuesdays"), a figure ("what level did it reach": the article gives the level). "Which schemes
# move diabetes care" needs no article that says "scheme".
CATEGORY_NOUNS = {
    stem(w)
    for w in "scheme service programme program project initiative pilot model approach "
    "specialty speciality condition illness disease treatment therapy result outcome change "
    "improvement benefit difference impact area region place venue location site building "
    "premises setting room hall town city county country group team organisation org body "
    "provider trust ccg company firm day week month year date time period hour "
    "complication problem risk issue symptom event factor reason cause barrier challenge lesson "
    "feature aspect element component part sector step role task thing measure target goal aim "
    "option tool resource level value figure amount total sum proportion share range band "
    "format form mechanism arrangement entity method structure setup set-up line".split()
}


# Common verbs: they end the noun phrase after "which" or "what" ("which organisation runs ..."),
# and name no topic ("rehab classes move into leisure centres").
VERBS = set(
    """run runs ran use uses used move moves cut cuts help helps get gets got offer offers
    provide provides work works make makes made see sees saw take takes took lead leads led go
    goes went come comes came bring brings brought deliver delivers set sets put puts give gives
    gave keep keeps kept pay pays paid fund funds build builds built say says said show shows
    mean means cover covers serve serves treat treats need needs want wants let lets allow allows
    support supports start starts begin begins began look looks sit sits hold holds held
    save saves cut cuts help helps return returns breathe breathes stay stays reduce reduces
    improve improves open opens launch launches win wins rise rises fall falls drop drops halve
    halves double doubles boost boosts ease eases speed speeds tackle tackles transform
    transforms expand expands roll rolls free frees bring brings""".split()
)
VERB_STEMS = frozenset(stem(v) for v in VERBS)


def asked_noun(text: str) -> str | None:
    """The noun after "which" or "what" ("app" in "which app do patients use"), or None when a
    verb, a stop word or a word for a kind of service, place or body follows ("what did",
    "what happened", "which schemes")."""
    if _KIND_OF.search(text):  # "what type of scan": an article names the type
        return None
    word = asked_head(text)
    return None if word is None or stem(word) in CATEGORY_NOUNS else word


def asked_head(text: str) -> str | None:
    """The head noun after "which" or "what", whatever kind of thing it names ("specialty" in
    "which specialty are they moving"): an answer names one of them, not the word itself."""
    found = next(
        (m for m in _ASKED_NOUN.finditer(text) if m.group(1).split()[0].lower() not in _PRONOUNS),
        None,
    )  # "want to see what others went for - which award category": the category
    if found is None:
        return None
    words: list[str] = []
    found_words = found.group(1).lower().split()
    for i, word in enumerate(found_words):  # the head of "which GP clinical system did"
        # a verb before a word for a kind of scheme is a noun ("what peer support scheme")
        joined = i + 1 < len(found_words) and stem(found_words[i + 1]) in CATEGORY_NOUNS
        if (
            word in STOPWORDS
            or word in _NOT_ASKED
            or word.endswith("ed")
            or (word in VERBS and not joined)
        ):
            break
        words.append(word)
        if len(word) > 3 and word.endswith("s") and not word.endswith(_NOT_PLURAL):
            break  # "which schemes move ...": a plural noun ends the phrase
    heads = [w for w in words if not w.endswith("ly")]
    return heads[-1] if heads else None


_REQUEST_WORD = (
    r"(?:whether|how|what|what's|which|who|whom|whose|when|where|why|is|are|was|were|did|does|do"
    r"|has|have|had|can|could|should|would|will)"
)
# a time said before what is asked: "to date how many referrals has it avoided"
_TIME_LEAD = r"(?:(?:to date|so far|in total|overall|altogether|currently|right now),?\s+)?"
# Where a request follows the asker's situation: "... - how many", "..., so can you tell me
# what", "... and would like to know how many", ". In Pelbury, how big".
_REQUEST = re.compile(
    r"(?:\s[-–—]\s+|[,;:]\s+(?:so\s+|but\s+|and\s+)?|\.\s+|\s(?:so|and)\s+)"
    r"(?:(?:can|could|would) you (?:please )?(?:tell|let) me (?:know )?"
    r"|(?:please )?(?:tell me|let me know) "
    r"|(?:(?:i'?d|i would|we'?d|we would|would) (?:like|love) to "
    r"(?:know|understand|find out|check|see),? )"
    r"|(?:(?:i|we) (?:need|want|just need|just want|am trying|'m trying) to "
    r"(?:know|understand|find out|check|work out|see|get a sense of) )"
    r"|(?:(?:i|we) (?:need|want) (?:to know )?)"
    r"|(?:(?:i|we)(?:'?ve| have) been asked (?:by [\w' ]{1,30} )?to "
    r"(?:find out|check|work out|look into|see|confirm) ))?"
    rf"(?={_TIME_LEAD}{_REQUEST_WORD}\b)",
    re.I,
)
# how a first ask opens: "would like to know, for Ellerscombe, how long" asks once
_FIRST_ASK = re.compile(
    # "to date how many referrals has it avoided, and how many ...": a time first
    _TIME_LEAD
    + r"(?:whether|how|what|what's|which|who|whom|whose|when|where|why|is|are|was|were|did|does"
    r"|do|has|have|had|can you|could you)\b",
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|i've|i'd|we|we're|we've|we'd|our|my|me|us)\b", re.I)
_SITUATION_WORDS = 5  # a situation is told in a clause of at least this many words
# a situation told without its "I'm": "Doing a capacity slide for the network meeting - ..."
_DOING = re.compile(
    r"(?:just\s+|currently\s+)?(?:doing|writing|putting|pulling|preparing|drafting|working"
    r"|compiling|updating|reviewing|looking|trying|planning|presenting)\b",
    re.I,
)
_DASH = re.compile(r"\s[-–—]\s+")


# A request that asks nothing of its own ("can you find it?", "thanks"): what is asked is
# before it.
_BARE_REQUEST = re.compile(
    r"(?:(?:please|so)\s+)?(?:(?:can|could|would) you\s+(?:please\s+)?)?"
    r"(?:find|check|look|dig|help|confirm)(?:\s+(?:it|that|this|me|out|up|for me|them))*"
    r"(?:\s+please)?\W*|(?:thanks|thank you|cheers|ta)\W*",
    re.I,
)


def situation_and_request(text: str) -> tuple[str, str]:
    """A question split into the asker's situation and the request that follows it ("I'm
    writing up the frailty unit's first year for our locality meeting" and "how many patients
    went through it"); the situation is "" when the question tells none. A situation is told
    in the first person and is no question itself: "What did the committee decide, and how much
    is it worth" asks two things."""
    found = next((m for m in _REQUEST.finditer(text) if m.start() > 0), None)
    if found is None:
        # "Doing a slide for the network meeting - pre-Covid, roughly how many ...": the
        # request after the dash opens with what it is about
        dash = _DASH.search(text)
        if dash is None or not re.search(_REQUEST_WORD + r"\b", text[dash.end() :], re.I):
            return "", text
        found = dash
    situation = text[: found.start()].strip()
    if _BARE_REQUEST.fullmatch(text[found.end() :].strip()):
        return "", text  # "... want to know what percentage drop they saw - can you find it?"
    if (
        re.match(_REQUEST_WORD + r"\b", situation, re.I)
        or not (_FIRST_PERSON.search(situation) or _DOING.match(situation))
        or len(situation.split()) < _SITUATION_WORDS
    ):
        return "", text
    return situation, text[found.end() :].strip()


# A word that asks: a question without one is a query of keywords ("ravenmoor hf team visits")
_ASKING_WORD = re.compile(
    r"\b(?:what|what's|which|who|whom|whose|how|when|where|why|whether|is|are|was|were|did|does"
    r"|do|has|have|had|can|could)\b",
    re.I,
)
_FORM_WORDS = 20  # a question's length is read in twenties of words, up to three of them


def question_form(text: str) -> tuple[float, float, float]:
    """How a question is put, which weighs its evidence: its length (in twenties of words, at
    most three), whether it tells the asker's situation before its request (1 or 0), and whether
    it is keywords alone (1 or 0). A long question is rarely said word for word by one
    sentence, so the same evidence answers it more often than a short one."""
    words = min(len(text.split()), 3 * _FORM_WORDS) / _FORM_WORDS
    situation = 1.0 if situation_and_request(text)[0] else 0.0
    keywords = 0.0 if _ASKING_WORD.search(text) else 1.0
    return round(words, 4), situation, keywords


# Where a request asks a second thing: "..., and how much was the grant", "...? When did it
# open?", "..., how many medicines were stopped".
_NEXT_ASK = re.compile(
    r"(?:,?\s+and\s+|\?\s+|,\s+)"
    r"(?=(?:what|what's|how|when|who|which|where|why|whether|is|are|was|were|did|does|has)\b)",
    re.I,
)
# What a question is about, named before a dash ahead of what it asks: "Halsterby wheelchair
# service - how many staff ..."
_TOPIC = re.compile(
    rf"(?!{_REQUEST_WORD}\b)([^?.,;:–—-]{{3,60}}?)\s+[-–—:]\s+(?={_REQUEST_WORD}\b)", re.I
)
# two question words asking of one thing: "where and how often does the clinic run"
_WH_ASK = r"(?:where|when|who|how often|how long|how soon|how much|how many)"
_WH_PAIR = re.compile(rf"\s*({_WH_ASK}),?\s+and\s+({_WH_ASK})\s+(\S.*)$", re.I)
_ASK_WORDS = 3  # each ask of a question of several is at least this many words
_MOST_ASKS = 3


def asks(text: str) -> list[str]:
    """The things a question asks, each as a question of its own: "which charity paid for the
    glaucoma project and how much was the grant" asks two. The asker's situation goes with the
    first; a question of one ask is returned whole."""
    situation, request = situation_and_request(text)
    # "Halsterby wheelchair service - how many staff and how many bases": the service named
    # first is what each ask is about
    topic = _TOPIC.match(request)
    if topic is not None:
        request = request[topic.end() :]
    pair = _WH_PAIR.match(request)
    if pair is not None:  # "where and how often does it run": where it runs, how often it runs
        parts = [f"{pair.group(n)} {pair.group(3)}".strip(" ,;:?.-–—") for n in (1, 2)]
    else:
        parts = [p.strip(" ,;:?.-–—") for p in _NEXT_ASK.split(request)]
    if (
        len(parts) < 2
        or len(parts) > _MOST_ASKS
        or any(len(p.split()) < _ASK_WORDS for p in parts)
        or _FIRST_ASK.match(parts[0]) is None
    ):
        return [text]
    if topic is not None:
        parts = [f"{topic.group(1)} - {p}" for p in parts]
    if situation:
        parts[0] = f"{situation} - {parts[0]}"
    return [f"{p}?" for p in parts]


def what_it_is_about(ask: str) -> str:
    """An ask less what it asks for, so that a later ask carries its subject only: "How many
    specialist nurses does the Cindersby hep C service have" -> "How many does the Cindersby hep
    C service have"; "What does the service cost per yr" -> "What does the service per yr"."""
    counted = focus_text(ask)
    if counted:
        ask = re.sub(rf"\b{re.escape(counted)}\b", " ", ask, count=1)
    kind = expected_type(ask)
    if kind in ANSWER_TYPES and kind not in ("who", "person", "place", "date"):
        ask = ANSWER_TYPES[kind][0].sub(" ", ask)
    return " ".join(ask.split())


def asks_for_change(question: str) -> bool:
    """A question about whether, or how much, something changed."""
    return _CHANGE_QUESTION.search(question) is not None


_EXPECTATION = re.compile(
    r"\b(?:will|would|could|might|expect\w*|estimat\w*|forecast\w*|projected|projections?|"
    r"predict\w*|aim(?:s|ed|ing)?\s+(?:to|for|at)|target(?:s|ed)?|plan(?:s|ned)?\s+to|intend\w*|"
    r"hop(?:e|es|ed|ing)\s+to|likely|potential(?:ly)?|going\s+to|in\s+(?:the\s+)?future)\b",
    re.I,
)
_LATEST = re.compile(
    r"\b(?:latest|most\s+recent|newest|current(?:ly)?|now|nowadays|today|up[- ]to[- ]date|"
    r"these\s+days|at\s+present|presently)\b",
    re.I,
)


# "how many pharmacies is it aiming to have", "what is the target", "what do they expect to
# save": asks about a plan ("would", "could" alone do not: "I would like to quote them")
_PLAN_ASKED = re.compile(
    r"\b(?:aim(?:s|ed|ing)?|target(?:s|ed)?|plan(?:s|ned|ning)?|expect\w*|forecast\w*|"
    r"project(?:ed|ions?)|intend\w*|ambition|hop(?:e|es|ed|ing) to|going to|"
    r"in (?:the )?future)\b",
    re.I,
)


def asks_planned(question: str) -> bool:
    """A question about what is planned, targeted or expected, not what was done."""
    return _PLAN_ASKED.search(question) is not None


def asks_achieved(question: str) -> bool:
    """A question about what was done ("how much did Wigan save?"), not what is expected."""
    return _EXPECTATION.search(question) is None


# "savings achieved so far", "how many did it see in its second year": asks about a time that
# has passed, which a projection does not cover. The perfect tense alone ("what saving has it
# made") is answered by a projection, shown as one.
_DONE = re.compile(
    r"\bso far\b|\bto date\b|\bachieved\b|\bactual(?:ly)?\b|"
    r"\bdid\b[^?]*\b(?:in|during|over)\s+(?:its|their|the)\s+(?:first|second|third|fourth|last|latest|past)\b",
    re.I,
)


def asks_done(question: str) -> bool:
    """A question about what was done in a time that has passed ("so far", "in its first
    year", "since it opened"), not what is expected."""
    return asks_achieved(question) and (
        _DONE.search(question) is not None or asks_since_start(question)
    )


def asks_latest(question: str) -> bool:
    """A question about the latest, current or present state ("what is the latest figure")."""
    return _LATEST.search(question) is not None


# "since the full go live", "so far", "to date": asks about the time since the service began
_SINCE = re.compile(
    r"\bsince (?!when\b)(?:the |its |it |they )?(?:[\w-]+ ){0,6}?"
    r"(?:(?:fully|properly|officially) )?"
    r"(?:launch(?:ed)?|go[- ]?live|went (?:(?:fully|properly|officially) )?live|"
    r"start(?:ed)?|open(?:ed|ing)?|beg(?:an|inning)|set ?up)\b|\bso far\b|\bto date\b"
    # "once the new service was up and running", "after the launch"
    r"|\bonce (?:the |it |they |its )?(?:[\w-]+ ){0,3}?"
    r"(?:was |were |is |are |had |has |went |got )?"
    r"(?:up and running|launched|live|open(?:ed)?|started|set up)\b"
    r"|\bafter (?:the |its )?(?:[\w-]+ ){0,2}?(?:launch|go[- ]?live|opening)\b"
    # "after GPs started using teledermatology", "after the hub opened"
    r"|\bafter (?:the |its )?(?:[\w-]+ ){1,3}?(?:started|began|launched|opened|went live|"
    r"came in)\b",
    re.I,
)


def asks_since_start(question: str) -> bool:
    """A question about the time since the service began ("since launch", "so far")."""
    return _SINCE.search(question) is not None


# "now compared with before", "what was it before", "yr before vs yr after": the state before
# is asked for too
_BEFORE_ASKED = re.compile(
    r"\b(?:before|previous(?:ly)?|used to|compared (?:with|to)|vs\.?|versus|baseline|"
    r"originally|at (?:the )?(?:start|launch|outset))\b",
    re.I,
)


def asks_before(question: str) -> bool:
    """A question that asks for the state before too ("now compared with before")."""
    return _BEFORE_ASKED.search(question) is not None


def is_list_question(question: str) -> bool:
    """A question that asks for several things ("which areas ...", "list ...")."""
    return _LIST_QUESTION.search(question) is not None


# "which ICB commissions it", "which CCG pays for it": asks for a commissioner, which a sentence
# that answers names as one ("NHS Wrenmarsh and Easterby Integrated Care Board", "BNSSG CCG").
_WHICH_COMMISSIONER = re.compile(
    r"\bwhich (?:\w+ )?(?:icbs?|ccgs?|integrated care boards?|clinical commissioning groups?)\b"
    r"|\b(?:commissioning|commissioner|paying) (?:icbs?|ccgs?)\b"  # "commissioning ICB"
    r"|\b(?:icbs?|ccgs?) (?:that|which) (?:commissions|funds|pays)\b",
    re.I,
)
# a named ICB or CCG ("NHS Yarncombe and Exley ICB", "North Vennshire Integrated Care Board"),
# not "the ICB", which says which body of the kind no more than the question does
NAMES_COMMISSIONER = re.compile(
    r"\b(?!(?:The|Its|Their|This|Our|Each|Every|Local)\b)[A-Z][\w&’'-]*\s+"
    r"(?:ICBs?|CCGs?|Integrated Care Boards?|Clinical Commissioning Groups?)\b"
)


# "which trust provides the specialist backup", "which charity paid for it", "the trust that
# employs the nurses": asks for a body of one kind, which a sentence that answers names
# ("Harrowmoor Hospitals NHS Trust", "a grant from the Wyvern Sight Foundation").
_BODY_KINDS = {
    "trust": r"(?:(?:nhs )?(?:foundation )?trusts?|fts?)",
    "charity": r"charit(?:y|ies)",
    "council": r"(?:local )?(?:councils?|local authorit(?:y|ies))",
    "federation": r"(?:gp )?federations?",
    "primary care network": r"(?:pcns?|primary care networks?)",
}
NAMES_BODY = {
    "trust": re.compile(r"\btrusts?\b", re.I),
    "charity": re.compile(
        r"\b(?:charit(?:y|ies|able)|foundation|trust|fund|appeal|lottery)\b", re.I
    ),
    "council": re.compile(r"\b(?:councils?|local authorit(?:y|ies)|borough)\b", re.I),
    "federation": re.compile(r"\bfederations?\b", re.I),
    "primary care network": re.compile(r"\b(?:PCNs?|primary care networks?)\b", re.I),
}
_WHICH_BODY = {
    kind: re.compile(
        rf"\bwhich (?:\w+ )?{words}\b(?!'s)|\b{words} (?:that|which) (?:runs?|provides?|"
        r"employs?|hosts?|delivers?|funds?|funded|paid|pays)\b",
        re.I,
    )
    for kind, words in _BODY_KINDS.items()
}


def asked_body(question: str) -> str | None:
    """The kind of body a question of one ask asks for ("which trust", "which charity"), else
    None."""
    request = situation_and_request(question)[1]
    if len(asks(request)) != 1:
        return None
    return next((kind for kind, which in _WHICH_BODY.items() if which.search(request)), None)


# "who runs the stroke rehab team", "which trust provides it": asks for the organisation that
# runs a service, which a sentence naming who does it answers first.
_WHO_RUNS = re.compile(
    r"\b(?:who|which (?:\w+ )?(?:organisations?|organizations?|orgs?|trusts?|providers?|"
    r"compan(?:y|ies)|bod(?:y|ies)|federations?|partnerships?|enterprises?|team))\b[^?]{0,25}?\b(?:runs?|running|"
    r"operates?|operating|provides?|providing|delivers?|delivering|manages?|hosts?|employs?|"
    r"(?:holds?|has|won|was awarded) the (?:[\w-]+ ){0,3}?contract)\b"
    # "who is the provider of the DVT service"
    r"|\bwho(?:'s|’s| is| are) the (?:[\w-]+ ){0,3}?(?:providers?|operators?)\b",
    re.I,
)


def asks_provider(question: str) -> bool:
    """Whether a question of one ask asks who runs or provides a service."""
    request = situation_and_request(question)[1]
    return _WHO_RUNS.search(request) is not None and len(asks(request)) == 1


def asks_commissioner(question: str) -> bool:
    """Whether a question of one ask asks which commissioner (an ICB or CCG)."""
    request = situation_and_request(question)[1]
    return _WHICH_COMMISSIONER.search(request) is not None and len(asks(request)) == 1


# A question for the date of the article itself ("when was the Fernleigh hearing clinic story
# published", "plymouth case study date written"): the article's own date answers it.
_PUBLISHED = re.compile(
    r"\b(?:article|story|stories|update|case study|write-?up|press release|news item|"
    r"newsletter|bulletin|blog|post|piece|page)\b(?:[^?]{0,30}?\b(?:was|were|is)\b)?\s*"
    r"(?:first\s+)?(?:published|written|dated|issued|posted|released)\b|"
    r"\b(?:publication|published|written)\s+date\b|\bdate\s+(?:of\s+)?(?:publication|"
    r"published|written|issued)\b",
    re.I,
)


def asks_published(question: str) -> bool:
    """Whether the question asks when the article itself was published or written."""
    return _PUBLISHED.search(question) is not None


@dataclass(frozen=True)
class Question:
    """A question read once, for every stage of answering it."""

    text: str  # the question as it stands alone (a follow-up resolved)
    expanded: str  # with the other form of each acronym it uses (for search and value typing)
    kind: str | None  # the kind of value asked for (ANSWER_TYPES, referral, payment, eligibility)
    focus: str | None  # the stemmed thing a "how many" question counts
    names: tuple[str, ...]  # places, bodies, acronyms and years it names
    listing: bool  # asks for several things
    change: bool = False  # asks whether, or how much, something changed
    achieved: bool = False  # asks what was done, not what is expected
    planned: bool = False  # asks what is planned, targeted or expected
    done: bool = False  # ... in a time that has passed ("so far", "in its first year")
    latest: bool = False  # asks for the latest, current or present state
    before: bool = False  # asks for the state before too
    since_start: bool = False  # asks about the time since the service began
    published: bool = False  # asks when the article itself was published
    commissioner: bool = False  # asks which ICB or CCG
    body: str | None = None  # the kind of body asked for ("which trust"), if any
    provider: bool = False  # asks who runs or provides a service
    # stem of a question word -> stems of other words for the same thing (askcases.text.synonyms)
    related: dict[str, frozenset[str]] = field(default_factory=dict)

    def matched(self, wanted: list[str], terms: set[str]) -> set[str]:
        """Those of the question's `wanted` stems a sentence with `terms` speaks of: the same
        word, one of its family, or another word for it."""
        found = matched_terms(wanted, terms)
        return found | {t for t in wanted if self.related.get(t, frozenset()) & terms}

    @property
    def focus_related(self) -> frozenset[str]:
        return self.related.get(self.focus, frozenset()) if self.focus else frozenset()

    @property
    def counted(self) -> str:
        """The words a "how many" question counts, as written."""
        return focus_text(self.text)


def _askers_own(name: str, text: str) -> bool:
    """Whether a name is the asker's own, told in their situation and not asked about ("We're
    reviewing the rapid response KPIs for our own service - how often did the Quaysford hub
    ...", "for our PCN"): an answer need not name it."""
    situation, request = situation_and_request(text.partition(" (")[0])
    own = re.compile(
        rf"\b(?:our|my|own|(?:we're|we are|i'm|i am) (?:reviewing|updating|setting)"
        rf"(?: the| our| my)?)\s+"
        rf"(?:(?!(?:and|the|of|for|with|in|at|to|or)\b)[\w&-]+\s+){{0,3}}?"
        rf"{re.escape(name)}\b",
        re.I,
    )
    return bool(situation) and own.search(situation) is not None and name not in request


_ASKS_WHY = re.compile(r"\bwhy\b", re.I)
# an ask for a value before the "why" ("how many fewer referrals, and why?") still asks for it
_ASKS_VALUE = re.compile(
    r"\bhow (?:many|much|long|far|often)\b|\bwhat (?:%|percent\w*|share|proportion|number)\b",
    re.I,
)


def read_question(
    text: str,
    glossary: dict[str, str],
    definitions: dict[str, str] | None = None,
    synonyms: bool = True,
    names: list[str] | None = None,
) -> Question:
    """The question read once: `glossary` (acronym -> expansion) and `definitions` (term -> the
    head word of its definition) come from the index; `synonyms` uses askcases.text.synonyms."""
    text = text.strip()
    defined = defined_terms(text, definitions or {})
    expanded = expand_query(f"{text} ({' '.join(defined)})" if defined else text, glossary)
    terms = list(dict.fromkeys(content_terms(text)))
    related = {t: group_of(t) for t in terms} if synonyms else {}
    if synonyms:  # "the snip" is said by a sentence about the frenotomy an article defines so
        for term in defined:
            head = stem((definitions or {})[term].lower())
            related[head] = related.get(head, frozenset()) | frozenset(content_terms(term))
    # the words of an expansion the question writes out, or its last two or more, are said by a
    # sentence that uses the acronym ("early supported discharge" by "The ESD service was
    # launched ...", "link workers" by "8 SPLWs")
    low = text.lower()
    for acronym, expansion in glossary.items():
        short = content_terms(acronym)
        words = expansion.lower().split()
        tails = (" ".join(words[-n:]) for n in range(len(words), 1, -1))
        said = next((t for t in tails if re.search(rf"\b{re.escape(t)}\b", low)), None)
        if short and said is not None:
            for t in content_terms(said):
                related[t] = related.get(t, frozenset()) | frozenset(short)
    # "does the bloods scheme go by any other name": "otherwise referred to as secondary care
    # bloods" names it
    if synonyms and _OTHER_NAME.search(text):
        related[stem("name")] = related.get(stem("name"), frozenset()) | _NAMING
    # the kind of value is read from the request: not from the asker's situation ("I'm costing
    # a falls service - who runs it") nor from a follow-up's carried-over subject
    request = situation_and_request(text.partition(" (")[0])[1]
    kind = expected_type(request)
    # "why has the number of GP referrals gone down" asks for a reason, not a count
    why = _ASKS_WHY.search(request)
    if why is not None and not _ASKS_VALUE.search(request[: why.start()]):
        kind = None
    # a question for a sum of money, a share or a date counts nothing ("finance want hard
    # numbers, so how much does Wigan save")
    focus = (
        focus_noun(text)
        if kind not in ("money", "percent", "date")
        and not _SEES_HOW_MANY.search(text)
        and why is None
        else None
    )
    if synonyms and focus is not None and focus not in related:
        related[focus] = group_of(focus)
    if synonyms and focus is not None:
        related[focus] = related.get(focus, frozenset()) | _counted_otherwise(text, focus)
    return Question(
        text=text,
        expanded=expanded,
        kind=kind,
        focus=focus,
        names=tuple(
            n
            for n in dict.fromkeys([*named_terms(text), *(names or [])])
            if not _askers_own(n, text)
        ),
        listing=is_list_question(text),
        change=asks_for_change(text),
        achieved=asks_achieved(text),
        planned=asks_planned(situation_and_request(text.partition(" (")[0])[1]),
        done=asks_done(text),
        latest=asks_latest(text),
        before=asks_before(text),
        since_start=asks_since_start(text),
        published=asks_published(text.partition(" (")[0]),
        commissioner=asks_commissioner(text.partition(" (")[0]),
        body=asked_body(text.partition(" (")[0]),
        provider=asks_provider(text.partition(" (")[0]),
        related={t: g for t, g in related.items() if g},
    )
