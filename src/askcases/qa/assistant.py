"""The question path, built once and shared by the CLI, the web chat and the evaluation:
question -> read once -> outcomes table or retrieval -> extractive answer -> optional generated
answer -> grounding.

Each stage takes and returns plain data (askcases.types); this class only wires them and times
them. Safe to share between the threads of a server.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import Any, Literal

from askcases.config import GROUNDING_THRESHOLD_FILE, Settings
from askcases.embedding.minilm import MiniLMEmbeddings
from askcases.errors import AskcasesError, UsageError
from askcases.qa.calibration import load_refusal_model
from askcases.qa.extractive import (
    BACKGROUND_HEADING,
    ExtractiveAnswerer,
    Section,
    refers_back,
    refusal,
    with_nearest,
)
from askcases.qa.followups import resolve_followup
from askcases.qa.generation import stream_answer
from askcases.qa.grounding import GroundingVerifier, load_threshold
from askcases.qa.outcome_answers import asks_for_outcomes, outcomes_answer
from askcases.qa.questions import (
    CATEGORY_NOUNS,
    REASON_NOUNS,
    VERB_STEMS,
    Question,
    asked_noun,
    asks,
    read_question,
    situation_and_request,
    what_it_is_about,
)
from askcases.qa.retrieval import HybridRetriever, Mode
from askcases.qa.spelling import (
    correct_spelling,
    english_words,
    names_in_lower_case,
    spell_out_counties,
)
from askcases.qa.tracing import NO_RECORDER, Recorder
from askcases.qa.weights import ABLATED, extractive_weights
from askcases.store.index_store import IndexStore
from askcases.store.manifest import Manifest
from askcases.text.acronyms import ASKED_ACRONYM, spelled_out
from askcases.text.claims import article_date
from askcases.text.lexicon import (
    GENERIC_NAMES,
    MONTHS,
    STOPWORDS,
    clause_openers,
    common_terms,
    content_terms,
    content_words,
    mentions,
    stem,
    times_named,
)
from askcases.text.markers import marker_numbers
from askcases.text.privacy import mask_identifiers, privacy_note
from askcases.text.sentences import sentence_spans
from askcases.text.synonyms import group_of
from askcases.types import (
    NO_CLAIMS,
    REFUSAL,
    Answer,
    Backend,
    Citation,
    Filters,
    Grounding,
    Guard,
    Passage,
    date_number,
)

MAX_QUESTION_CHARS = 2000


def _names(name: str, heading: str) -> bool:
    """Whether a heading names this very name ("Bexton2" is not "Bexton27")."""
    return re.search(rf"\b{re.escape(name)}(?!\w)", heading, re.I) is not None


# A numbered heading's number: "4.3.1 Adult podiatry", "2. Drayholt".
_PART_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*\.?)\s+(?=[A-Za-z])")
SECTION_NAME_WORDS = 4  # a heading of at most this many words may be another place's name
OWN_MENTIONS = 3  # an article that names a place this often (in a third of its chunks) is of it
# Words for the form or period of a paper ("Quarterly Performance Dashboard", "News update"): a
# title's word of these names no topic of the library.
DOCUMENT_TERMS = frozenset(
    stem(w)
    for w in """update news newsletter bulletin report quarterly monthly weekly dashboard notice
    correction post blog briefing summary extract specification paper case study evaluation
    minutes press release statement page committee meeting agenda""".split()
)
TOPIC_SHARE = 3  # a title's word that at most one article in this many mentions names a topic
# a word of "-ing" followed by a word of a noun phrase names a thing ("hearing test", "social
# prescribing link workers"); followed by a preposition, article or pronoun, a doing ("waiting
# for", "attending the")
_NAMES_A_THING = re.compile(
    r"^\s+(?!(?:for|to|the|a|an|of|in|on|at|by|with|from|their|its|his|her|them|it|this|that|"
    r"these|those|and|or|is|are|was|were|up|out|down|off|back|now|there|here)\b)[a-z][a-z-]+\b",
    re.I,
)


Lap = Callable[[str, float], float]  # (stage, when it began) -> now; records the stage's time
GUARD_NOTE = (
    "The generated answer failed verification against its citations; "
    "the extractive answer, quoted from the articles, is shown beside it."
)


def clean_question(question: str | None) -> str:
    """The question on one line, without control characters; UsageError when over the limit."""
    asked = " ".join((question or "").split())
    if len(asked) > MAX_QUESTION_CHARS:
        raise UsageError(
            f"the question is {len(asked):,} characters long; keep it under {MAX_QUESTION_CHARS:,}"
        )
    return "".join(ch for ch in asked if ch.isprintable())


# a name inside a request ("how many did the Plymouth team see"), not its first word
_NAMED = re.compile(r"(?<=\s)(?!I\b)[A-Z][\w&'’-]*(?: [A-Z][\w&'’-]*)*")
# a later ask of the same measure at another time or place: "what was the average wait in
# 2023/24, and what was it back when babies were sent to the regional hospital"
_SAME_MEASURE = re.compile(
    r"^\W*(?:what|how much|how many)(?:'s|’s|\s+(?:was|is|were|are|will be|would be))\s+"
    r"(?:it|that|this|they|the figure)\b",
    re.I,
)
# the time a first ask names, which a later ask of the same measure does not carry
_OWN_TIME = re.compile(
    r"\b(?:in|during|for|by)?\s*(?:(?:19|20)\d\d(?:[/-]\d{2,4})?|Q[1-4])\b", re.I
)


class Assistant:
    """Answers questions from one index; safe to share between threads of a server."""

    def __init__(self, settings: Settings, embeddings: MiniLMEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings or MiniLMEmbeddings.from_settings(settings)
        self.store = IndexStore(settings, self.embeddings)
        self.verifier = GroundingVerifier(
            self.embeddings, load_threshold(settings.fitted_file(GROUNDING_THRESHOLD_FILE))
        )
        self._title_cache: tuple[Manifest, int, frozenset[str]] | None = None
        self.answerer = ExtractiveAnswerer(
            self.embeddings,
            load_refusal_model(settings.refusal_model_file),
            extractive_weights({name for name in ABLATED if not settings.matching(name)}),
        )

    def check(self) -> None:
        """Raise IndexStateError now, not at the first question, if the index is unusable."""
        self.store.manifest()

    def warm(self) -> None:
        """Load the model, the vector index and the keyword index now, so that the first
        question is as quick as the rest (a server calls this before it reports ready)."""
        for _ in self.ask_stream("How much did the service save a year?", backend="extractive"):
            pass
        self.embeddings.clear_cache()

    def retriever(
        self, k: int, filters: Filters | None = None, mode: Mode = "hybrid"
    ) -> HybridRetriever:
        s = self.settings
        return HybridRetriever(
            store=self.store,
            k=k,
            fetch_k=s.fetch_k,
            dense_weight=s.dense_weight,
            keyword_weight=s.keyword_weight,
            rrf_k=s.rrf_k,
            filters=filters,
            mode=mode,
        )

    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: list[str] | None = None,
        trace: bool | None = None,
        backend: Literal["extractive"] | None = None,
    ) -> Answer:
        """Answer a question; `history` holds the earlier questions of the conversation, each
        already resolved, so that a follow-up is read against them."""
        for part in self.ask_stream(question, k, filters, history, backend, trace):
            if isinstance(part, Answer):
                return part
        raise AssertionError("ask_stream ended without an answer")

    def ask_stream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: list[str] | None = None,
        backend: Literal["extractive"] | None = None,
        trace: bool | None = None,
    ) -> Iterator[str | Answer]:
        """The generated answer's text as it is written (nothing for the extractive back-end),
        then the whole Answer, verified against its citations. `backend` "extractive" skips the
        configured language model for this question; `trace` (default: the settings') records
        how it was answered on `Answer.trace`.

        Patient identifiers in the question (askcases.text.privacy) are masked first: nothing
        after this line, the language model included, sees them."""
        llm: Backend = self.settings.llm if backend != "extractive" else "extractive"
        asked, found = mask_identifiers(clean_question(question))
        earlier = []
        for before in history or []:  # a follow-up carries words of the earlier questions on
            text, kinds = mask_identifiers(before)
            earlier.append(text)
            found = tuple(dict.fromkeys([*found, *kinds]))
        recorder = Recorder(self.settings.tracing if trace is None else trace)
        with recorder.stage("reading"):
            resolved = resolve_followup(asked, earlier)
            if not resolved:
                raise UsageError("the question is empty; type a question about the case studies")
            started = time.perf_counter()
            timings: dict[str, float] = {}

            def lap(stage: str, since: float) -> float:
                now = time.perf_counter()
                timings[stage] = round((now - since) * 1000, 1)
                return now

            read = self.read(resolved)
        with recorder.stage("outcomes"):
            measures = asks_for_outcomes(read.text)
            from_table = (
                outcomes_answer(read.text, measures, self.store.outcomes(), filters, read.names)
                if measures
                else None
            )
        lap("outcomes", started)

        def finished(answer: Answer) -> Answer:
            answer = dataclasses.replace(
                answer,
                question=asked,
                resolved_question=read.text,
                elapsed_ms=round((time.perf_counter() - started) * 1000, 1),
                timings=timings,
                privacy=found,
                privacy_note=privacy_note(found),
                stale_note=self._stale_note(answer.citations),
            )
            answer = self._standing(answer, filters, recorder)
            if recorder.enabled:
                trace = self._trace(recorder, answer, read, filters)
                answer = dataclasses.replace(answer, trace=trace)
            return answer

        answer = Answer(asked, "", True, [], [], reason="not answered")
        try:
            answer = from_table or self._ask_by_ask(
                read, k or self.settings.k, filters, lap, recorder
            )
            mark = time.perf_counter()
            if llm != "extractive" and not answer.refused and from_table is None:
                text = ""
                with recorder.stage("generation"):
                    for token in stream_answer(
                        self.settings, read.text, answer.passages, recorder.generation
                    ):
                        text += token
                        yield token
                mark = lap("generation", mark)
                with recorder.stage("verification"):
                    answer = self._generated(read.text, text, answer, llm)
            else:
                with recorder.stage("verification"):
                    answer = dataclasses.replace(answer, grounding=self._grounding(answer))
            lap("verification", mark)
        except AskcasesError as exc:  # traced all the same, the error as its reason
            exc.answer = finished(
                dataclasses.replace(answer, refused=True, reason=f"error: {exc}", backend=llm)
            )
            raise
        yield finished(answer)

    def _newer(self, filters: Filters | None) -> dict[str, list[str]]:
        """Document id -> newer articles about the same service and place, as of the filters'
        date where they give one."""
        as_of = date_number(filters.as_of) if filters is not None and filters.as_of else None
        return self.store.newer_articles(as_of)

    def _boost(
        self, question: Question, passages: list[Passage], newer: dict[str, list[str]]
    ) -> dict[str, float]:
        """What each article's sentences gain in ranking: an article that supersedes another
        among the passages ranks first when both answer equally well; for a question about the
        latest state, newer articles gain by date order."""
        w = self.answerer.weights
        dates = {p.doc_id: date_number(p.date) for p in passages}
        boost: dict[str, float] = {}
        for older, later in newer.items():
            if older in dates:
                for doc_id in later:
                    if doc_id in dates:
                        boost[doc_id] = w.newer_edge_latest if question.latest else w.newer_edge
        if question.latest:
            dated = sorted({n for n in dates.values() if n})
            for doc_id, number in dates.items():
                if number and len(dated) > 1:
                    gain = w.recency * dated.index(number) / (len(dated) - 1)
                    boost[doc_id] = boost.get(doc_id, 0.0) + gain
        return {d: b for d, b in boost.items() if b}

    def _standing(
        self, answer: Answer, filters: Filters | None, recorder: Recorder = NO_RECORDER
    ) -> Answer:
        """Each citation and passage with what the index knows of its article: sentences in
        which it qualifies its own currency, and the newest article that supersedes it."""
        try:
            newer = self._newer(filters)
            currency = {
                doc_id: self.store.currency_notes(doc_id)
                for doc_id in {c.doc_id for c in [*answer.citations, *answer.nearest]}
            }
        except AskcasesError:
            return answer
        titles: dict[str, tuple[str, str]] = {}

        def newest(doc_id: str) -> tuple[str, str, str]:
            later = newer.get(doc_id)
            if not later:
                return "", "", ""
            if later[0] not in titles:
                article = self.store.article(later[0])
                titles[later[0]] = (
                    (article.title, article.date or "") if article is not None else ("", "")
                )
            return later[0], *titles[later[0]]

        def cite(c: Citation) -> Citation:
            doc_id, title, date = newest(c.doc_id)
            return dataclasses.replace(
                c,
                currency=currency.get(c.doc_id, ()),
                superseded_by=doc_id,
                superseded_title=title,
                superseded_date=date,
            )

        for passage in answer.passages:
            if newer.get(passage.doc_id):
                recorder.candidate(passage.chunk_id, superseded_by=newer[passage.doc_id][0])
        return dataclasses.replace(
            answer,
            citations=[cite(c) for c in answer.citations],
            nearest=[cite(c) for c in answer.nearest],
            passages=[
                dataclasses.replace(p, superseded_by=newest(p.doc_id)[0]) for p in answer.passages
            ],
        )

    def _stale_note(self, citations: list[Citation]) -> str:
        """A warning when every source is older than ASKCASES_STALE_YEARS."""
        limit = self.settings.stale_years
        ages = [c.age_years for c in citations]
        if not citations or limit <= 0 or any(a is None or a <= limit for a in ages):
            return ""
        newest = min(a for a in ages if a is not None)
        return (
            f"Every source of this answer is over {limit} years old (the newest is {newest} "
            "years old); check for more recent evidence before quoting it."
        )

    def _trace(
        self, recorder: Recorder, answer: Answer, read: Question, filters: Filters | None
    ) -> dict[str, Any]:
        """The recorder's trace with what the answer itself says: the question as asked and as
        read, filters, back-end, and the grounding verdicts."""
        recorder.note(
            question=answer.question,
            resolved_question=answer.resolved_question,
            answer_kind=read.kind,
            filters=filters.describe() if filters is not None and filters.active else "",
            backend=answer.backend,
            model=answer.model,
            refused=answer.refused,
            reason=answer.reason,
            answer=answer.answer,
            citations=[c.to_json() for c in answer.citations],
            grounding=answer.grounding.to_json(),
            privacy=list(answer.privacy),
            elapsed_ms=answer.elapsed_ms,
            from_outcomes_table=answer.answer_type == "outcomes",
        )
        return recorder.to_json()

    def read(self, resolved: str) -> Question:
        """A resolved question read once: spelling, lower-case names, acronyms, definitions and
        other words for its words, as the settings' matching allows."""
        s = self.settings
        self.store.manifest()  # a usable index first: the vocabulary is read from it
        keywords = self.store.keywords
        vocabulary = keywords.vocabulary()
        if s.matching("acronyms"):
            resolved = self._spell_out_acronyms(resolved, vocabulary)
        if s.matching("spelling"):
            resolved = spell_out_counties(resolved, vocabulary)

            def surface(term: str) -> str | None:  # as written, in lower case unless a name
                written = keywords.surface_word(term)
                if written is None or written.islower() or keywords.written_capitalised(term):
                    return written
                return written.lower()

            resolved = correct_spelling(resolved, vocabulary, surface)
        lower_names = (
            names_in_lower_case(
                situation_and_request(resolved)[1], vocabulary, keywords.written_capitalised
            )
            if s.matching("names")
            else []
        )
        # A capitalised word opening the question or a clause is a name where the library writes
        # it as one ("Ravensholt ear wax waits?").
        first = re.match(r"\s*([A-Z][a-z]+)\b(?!')", resolved)
        openers = (
            [first.group(1)]
            if first and first.group(1).lower() not in STOPWORDS | GENERIC_NAMES
            else []
        )
        for word in [*openers, *clause_openers(resolved)]:
            term = stem(word.lower())
            if term in vocabulary and keywords.written_capitalised(term, word.lower()):
                lower_names.append(word)
        if s.matching("synonyms"):  # "notts": the library's "Nottinghamshire"
            lower_names += self._names_for_short_forms(resolved, vocabulary)
        return read_question(
            resolved,
            self.store.glossary(),
            self.store.definitions() if s.matching("definitions") else {},
            synonyms=s.matching("synonyms"),
            names=lower_names,
        )

    def passages(
        self,
        question: Question,
        k: int,
        filters: Filters | None = None,
        recorder: Recorder = NO_RECORDER,
    ) -> tuple[list[Passage], list[str]]:
        """The passages retrieved for a question, with those naming each name it uses; and the
        names no article mentions."""
        retriever = self.retriever(max(k, self.settings.fetch_k), filters)
        candidates = retriever.passages(question.expanded, recorder=recorder)
        if not candidates:
            return [], []
        found, missing = retriever.passages_naming(
            question.expanded, question.names, candidates, k, recorder=recorder
        )
        return found + self._going_on(question, found), missing

    def _going_on(self, question: Question, passages: list[Passage]) -> list[Passage]:
        """The next passage of an article where a retrieved one ends on a sentence naming a
        place or body the question names and the next goes on about it ("Barking & Dagenham
        ... identified ophthalmology ..." | "Working together with consultants ..., they have
        developed a community based ophthalmology service ..."): a chunk may end mid-account."""
        names = [n for n in question.names if not n.isdigit()]
        if not names or not self.settings.matching("context"):
            return []
        ending = [
            p
            for p in passages
            if (spans := sentence_spans(p.text))
            and any(mentions(n, p.text[spans[-1][0] : spans[-1][1]]) for n in names)
        ]
        if not ending:
            return []
        held = {p.chunk_id for p in passages}
        chunks = self.store.dense.chunks_of(sorted({p.doc_id for p in ending}))
        out = []
        for p in ending:
            after = next((c for c in chunks.get(p.doc_id, []) if c.start >= p.end), None)
            if after is None or after.chunk_id in held or after.start - p.end > 2:
                continue
            first = sentence_spans(after.text)[:1]
            if first and refers_back(after.text[first[0][0] : first[0][1]]):
                held.add(after.chunk_id)
                out.append(
                    Passage(
                        p.rank,
                        after.chunk_id,
                        after.doc_id,
                        after.title,
                        after.date,
                        after.text,
                        after.start,
                        after.end,
                        p.score,
                    )
                )
        return out

    def _ask_by_ask(
        self,
        question: Question,
        k: int,
        filters: Filters | None,
        lap: Lap,
        recorder: Recorder = NO_RECORDER,
    ) -> Answer:
        """The extractive answer; for a question of several asks ("which charity paid for the
        project and how much was the grant"), each ask answered on its own and the answers put
        together when every one is answered (a later ask carries the first's subject, as a
        follow-up does). Otherwise the question is answered whole."""
        whole = self._extractive(question, k, filters, lap, recorder)
        body, _, carried = question.text.partition(" (")
        texts = asks(body) if self.settings.matching("asks") else [body]
        if len(texts) < 2:
            return whole
        answers = []
        situation, request = situation_and_request(texts[0])
        for n, text in enumerate(texts):
            same_measure = n > 0 and _SAME_MEASURE.match(text) is not None
            if n == 0 and carried:
                text = f"{text.rstrip('?')} ({carried.rstrip('?')}"
            elif n > 0:  # the first ask's subject, not the asker's situation, carries on
                about = what_it_is_about(request)
                if same_measure:  # the same measure, at another time
                    about = " ".join(_OWN_TIME.sub(" ", request).split())
                if not _NAMED.search(request):  # "the Plymouth model ... - how many has it"
                    about = " ".join([about, *_NAMED.findall(situation)])
                text = resolve_followup(text, [about])
            read = self.read(text)
            if same_measure and read.kind is None:  # it asks for the first ask's kind of value
                read = dataclasses.replace(read, kind=self.read(request).kind)
            part = self._extractive(read, k, filters, _no_lap)
            if part.refused:
                recorder.note(asks=texts, answered_ask_by_ask=False)
                return whole
            answers.append(part)
        recorder.note(asks=texts, answered_ask_by_ask=True)
        return _together(whole, answers)

    def _extractive(
        self,
        question: Question,
        k: int,
        filters: Filters | None,
        lap: Lap,
        recorder: Recorder = NO_RECORDER,
    ) -> Answer:
        started = time.perf_counter()
        passages, missing = self.passages(question, k, filters, recorder)
        missing = [name for name in missing if not self._said_otherwise(name)]
        if any(not n.isupper() and n not in missing for n in question.names):
            # staff shorthand ("DN visits in Pelbury"): an acronym is no place the library lacks
            # when the question names a place it has
            missing = [name for name in missing if not name.removesuffix("s").isupper()]
        if not passages and filters is not None and filters.active:
            return refusal(
                question.text,
                [],
                f"No article matches the filters ({filters.describe()}).",
                "nothing within the filters",
            )
        mark = lap("retrieval", started)
        with recorder.stage("sentence scoring"):
            if missing:
                answer = refusal(
                    question.text,
                    passages[:k],
                    f"None of the case studies mentions {', '.join(missing)}.",
                    f"not mentioned: {', '.join(missing)}",
                )
                recorder.refusal = {"refused": True, "reason": answer.reason, "names": missing}
            else:
                boost = self._boost(question, passages, self._newer(filters))
                for passage in passages:
                    if passage.doc_id in boost:
                        recorder.candidate(passage.chunk_id, boost=round(boost[passage.doc_id], 4))
                required = self.required(question, {p.doc_id for p in passages})
                sections = self.sections(question, passages)
                tables = {
                    doc_id: self.store.keywords.table_headers(doc_id)
                    for doc_id in dict.fromkeys(p.doc_id for p in passages)
                }
                own = self.own_names(question, passages)
                answer = self.answerer.answer(
                    question, passages, k, recorder, boost, required, sections, tables, own
                )
            if answer.refused:
                answer = with_nearest(answer, self.answerer.nearest(question, answer.passages))
        lap("sentence scoring", mark)
        if answer.refused and filters is not None and filters.active:
            scope = f" (Only articles {filters.describe()} were searched.)"
            answer = dataclasses.replace(answer, answer=answer.answer + scope)
        return answer

    def own_names(self, question: Question, passages: list[Passage]) -> dict[str, frozenset[str]]:
        """For each article among `passages`, the names asked about that it names throughout:
        at least OWN_MENTIONS times, in a third or more of its chunks. A sentence of it that
        names no other place is of that place, as one under a title that names it is (a FAQ
        page of the Brambleholt tongue-tie clinic whose title and opening never name the
        town)."""
        found: dict[str, frozenset[str]] = {}
        if not question.names:
            return found
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            texts = self.store.keywords.chunk_texts(doc_id)
            own = frozenset(
                name
                for name in question.names
                if sum(times_named(name, t) for t in texts) >= OWN_MENTIONS
                and 3 * sum(mentions(name, t) for t in texts) >= len(texts)
            )
            if own:
                found[doc_id] = own
        return found

    def sections(self, question: Question, passages: list[Passage]) -> dict[str, list[Section]]:
        """For each article among `passages` with section headings: its sections, each with its
        heading's words, the names asked about that its heading names, and, in an article where
        some heading names a name the question uses ("RAVELSTOKE" then "FENNIMOOR" in a review
        of two towns' services), whether its heading is another name's (so that "9% were
        conveyed to hospital" under "FENNIMOOR" does not answer for Ravelstoke, though both
        names are in the title)."""
        keywords = self.store.keywords
        asked_words = {w.lower() for n in question.names for w in re.findall(r"[\w'’-]+", n)}
        found: dict[str, list[Section]] = {}
        for doc_id in dict.fromkeys(p.doc_id for p in passages):
            headings = keywords.headings(doc_id)
            if not headings:
                continue
            named = [frozenset(n for n in question.names if _names(n, h)) for _, h in headings]
            # a first line that names the place is the article's own heading ("Corvenham and
            # Hallam Vale Community Health NHS Trust" over a board paper): the parts below it
            # are its parts, not other places'
            names_a_heading = any(named[1:]) or (bool(named[0]) and headings[0][0] > 0)
            found[doc_id] = [
                Section(
                    offset,
                    names,
                    names_a_heading
                    and not names
                    and len(heading.split()) <= SECTION_NAME_WORDS
                    and any(
                        self._names_a_place(word)
                        for word in re.findall(r"[A-Za-z][\w'’-]+", heading)
                        if word.lower() not in asked_words
                    ),
                    frozenset(content_terms(heading)),
                    BACKGROUND_HEADING.search(heading) is not None,
                    other_part,
                )
                for (offset, heading), names, other_part in zip(
                    headings,
                    named,
                    self._other_parts(question, headings, keywords.section_bodies(doc_id)),
                    strict=True,
                )
            ]
        return found

    @staticmethod
    def _other_parts(
        question: Question, headings: tuple[tuple[int, str], ...], bodies: tuple[str, ...]
    ) -> list[bool]:
        """For each heading, whether it is a numbered part beside the one the question asks
        about, or within such a part: among sub-parts numbered alike under one parent ("4.3.1
        Adult podiatry", "4.3.2 Continence"), those whose heading says none of the question's
        words that the heading of another says ("adult podiatry") and whose text does not say
        them all."""
        numbers = [_PART_NUMBER.match(h) for _, h in headings]
        # the question's words beyond the kinds of thing ("service", "team")
        asked = set(content_terms(question.text.partition(" (")[0])) - CATEGORY_NOUNS
        other = [False] * len(headings)
        groups: dict[tuple[str, int], list[int]] = {}
        for i, found in enumerate(numbers):
            if found and found.group(1).rstrip(".").count(".") >= 1:
                # sub-parts ("4.3.1", "4.3.2") name parts of a whole; "1. Summary" and "2.
                # Background" name the parts of a document
                parts = found.group(1).rstrip(".").split(".")
                groups.setdefault((".".join(parts[:-1]), len(parts)), []).append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            said = {
                i: set(content_terms(_PART_NUMBER.sub("", headings[i][1]))) & asked for i in members
            }
            wanted = set().union(*said.values())
            if not wanted or all(said.values()):
                continue
            for i in members:
                body = set(content_terms(bodies[i])) if i < len(bodies) else set()
                if not said[i] and not wanted <= body:
                    prefix = numbers[i].group(1).rstrip(".") + "."  # type: ignore[union-attr]
                    for j, found in enumerate(numbers):
                        if j == i or (found and found.group(1).startswith(prefix)):
                            other[j] = True
        return other

    def _names_a_place(self, word: str) -> bool:
        """Whether the library writes this word as a name ("Fennimoor"), not as an acronym
        ("DNA"), a month or a common word."""
        term = stem(word.lower())
        if word.lower() in MONTHS or term in STOPWORDS:
            return False
        surface = self.store.keywords.surface_word(term)
        return (
            surface is not None
            and surface[:1].isupper()
            and not surface.isupper()
            and self.store.keywords.written_capitalised(term, word.title())
        )

    def _spell_out_acronyms(self, question: str, vocabulary: Mapping[str, int]) -> str:
        """The question with each acronym the library never writes ("B&NES", "VW") replaced by
        the words whose initials spell it in the passages found for the question, where some
        do ("Bath and North East Somerset", "virtual ward")."""
        glossary = self.store.glossary()
        unknown = [
            m
            for m in ASKED_ACRONYM.finditer(question)
            if m.group(0).lower().rstrip(".") not in GENERIC_NAMES
            and m.group(0) not in glossary
            and stem("".join(ch for ch in m.group(0).lower() if ch.isalpha())) not in vocabulary
        ]
        if not unknown:
            return question
        texts = [p.text for p in self.retriever(self.settings.k).passages(question)]
        for match in reversed(unknown):  # from the end, so that earlier offsets hold
            words = spelled_out(match.group(0), texts)
            if words is not None:
                question = question[: match.start()] + words + question[match.end() :]
        return question

    def _names_for_short_forms(self, question: str, vocabulary: Mapping[str, int]) -> list[str]:
        """The library's names for the question's lower-case short forms of them: a word that is
        no English word and whose other word the library writes as a name ("notts")."""
        keywords = self.store.keywords
        english = english_words()
        names = []
        for word, term in content_words(question):
            if not word.islower() or word in english or term in vocabulary:
                continue
            for other in sorted(group_of(term)):
                if len(other) <= len(term) or other[:1] != term[:1] or other not in vocabulary:
                    continue  # a short form is shorter and starts as its name does
                if keywords.written_capitalised(other):
                    written = keywords.surface_word(other)
                    if written:
                        names.append(written)
                        break
        return names

    def _said_otherwise(self, name: str) -> bool:
        """Whether the library uses another word for a name it never uses ("missed" for
        "DNAs"): the name is then no place or body the library lacks."""
        if not self.settings.matching("synonyms"):
            return False
        others = sorted(group_of(stem(name.lower())))
        return bool(others) and self.store.keywords.document_count(others, 1) > 0

    def topics(
        self, question: Question, among: Collection[str] | None = None
    ) -> dict[str, frozenset[str]]:
        """The question's words that name a topic of the library, each with the articles (of
        those `among` when given) that mention it or another word for it: a word of some
        article's title that at most a third of the articles mention ("dementia" in "Dementia
        nurses bring support to Brackenhurst homes"). An answer from an article that mentions
        none of them is about another service."""
        if not self.settings.matching("topics"):
            return {}
        count, titled = self._titles()
        limit = max(1, count // TOPIC_SHARE) if count > 1 else 0
        if limit < 1:
            return {}
        named = {t for name in question.names for t in content_terms(name)}
        found: dict[str, frozenset[str]] = {}
        text = question.text.partition(" (")[0]
        for word, term in content_words(text):
            others = sorted(question.related.get(term, frozenset()))
            if term in named or not titled.intersection([term, *others]) or word in found:
                continue
            if term in VERB_STEMS or word.lower().endswith("ed"):
                continue  # "moved", "cuts": a verb of a title names no topic
            if word.lower().endswith("ing") and not _NAMES_A_THING.search(
                text[text.find(word) + len(word) :]
            ):
                continue  # "waiting for", but "a hearing test" names one
            if term in DOCUMENT_TERMS:
                continue  # "a quarterly update for our board": the form of a paper, no topic
            if term in common_terms():
                continue  # "putting a paper together": a word most service articles use
            if 0 < self.store.keywords.document_count([word, *others], limit) <= limit:
                found[word] = frozenset(self.store.keywords.documents_with([word, *others], among))
        return found

    def _titles(self) -> tuple[int, frozenset[str]]:
        """How many articles the index holds, and the content terms of their titles (kept
        until the manifest changes)."""
        manifest = self.store.manifest()
        cached = self._title_cache
        if cached is None or cached[0] is not manifest:
            documents = manifest["documents"]
            terms = frozenset(t for e in documents.values() for t in content_terms(str(e["title"])))
            cached = (manifest, len(documents), terms)
            self._title_cache = cached
        return cached[1], cached[2]

    def asked_thing(
        self, question: Question, among: Collection[str] | None = None
    ) -> dict[str, frozenset[str]]:
        """The thing a "which ..." or "what ..." question asks for, when it asks for no kind of
        value ("which app do patients use"), with the articles (of those `among` when given) that
        mention it or another word for it: an article that never does cannot say which one."""
        if not self.settings.matching("topics") or question.kind is not None:
            return {}
        word = asked_noun(question.text.partition(" (")[0])
        if word is None:
            return {}
        term = stem(word)
        if term in REASON_NOUNS:
            return {}  # "what weakness does it own up to": "the pilot had no control group"
        if term in common_terms():
            return {}  # "what national estimate", "the charity head": what most articles say
        others = sorted(question.related.get(term, frozenset()))
        return {word: frozenset(self.store.keywords.documents_with([word, *others], among))}

    def required(
        self, question: Question, among: Collection[str] | None = None
    ) -> list[dict[str, frozenset[str]]]:
        """What an answer's article must mention, as groups of which it must mention a word of
        each: the library's topics the question asks about, and the thing it asks for; with
        `among`, only those articles are looked up."""
        groups = (self.topics(question, among), self.asked_thing(question, among))
        return [group for group in groups if group]

    def _grounding(self, answer: Answer) -> Grounding:
        if answer.refused:
            return NO_CLAIMS
        # a citation holds its article's date as well as its quote ("The article is dated ...")
        return self.verifier.verify(
            answer.answer,
            {
                c.n: f"{c.quote}\n\n{article_date(c.date)}." if c.date else c.quote
                for c in answer.citations
            },
        )

    def _generated(self, question: str, text: str, extractive: Answer, llm: Backend) -> Answer:
        """The generated text as an Answer: its markers become citations of whole passages."""
        passages = extractive.passages
        text = text.strip()
        markers = sorted(set(marker_numbers(text)))
        refused = not markers and (text.startswith(REFUSAL) or not text)
        citations = [
            Citation(n, p.doc_id, p.title, p.date, p.text, p.start, p.end, p.rank)
            for n in markers
            if 1 <= n <= len(passages)
            for p in [passages[n - 1]]
        ]
        answer = Answer(
            question,
            text or REFUSAL,
            refused,
            citations,
            passages,
            reason="the back-end found no answer" if refused else "",
            backend=llm,
            model=self.settings.model,
        )
        grounding = self._grounding(answer)
        guard = None
        if self.settings.guard and grounding.failed and not refused:
            guard = Guard(GUARD_NOTE, extractive.answer, extractive.citations)
        return dataclasses.replace(answer, grounding=grounding, guard=guard)


def _no_lap(stage: str, since: float) -> float:
    return time.perf_counter()


def _renumber(text: str, numbers: dict[int, int]) -> str:
    """The text with its [n] markers renumbered."""
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), m.group(1))}]", text)


_DATED_LEAD = re.compile(r"The article is dated [^:\[]+:")


def _together(whole: Answer, answers: list[Answer]) -> Answer:
    """The answers to a question's asks as one answer: their sentences in order, each quoted
    once and numbered anew, and the passages they come from."""
    passages: list[Passage] = []
    rank_of: dict[str, int] = {}
    citations: list[Citation] = []
    number_of: dict[tuple[str, int, int], int] = {}
    texts: list[str] = []
    quoted: set[int] = set()
    dated: dict[int, str] = {}
    for answer in answers:
        for passage in answer.passages:
            if passage.chunk_id not in rank_of:
                rank_of[passage.chunk_id] = len(passages) + 1
                passages.append(dataclasses.replace(passage, rank=len(passages) + 1))
        renumbered: dict[int, int] = {}
        for c in answer.citations:
            key = (c.doc_id, c.start, c.end)
            if key not in number_of:
                chunk = next(p.chunk_id for p in answer.passages if p.rank == c.passage)
                number_of[key] = len(citations) + 1
                citations.append(dataclasses.replace(c, n=number_of[key], passage=rank_of[chunk]))
            renumbered[c.n] = number_of[key]
        # a sentence an earlier ask's answer quotes is not quoted again, but the date a later
        # ask reads from its article's "today" is kept ("who announced it, and when")
        kept = []
        for sentence in re.finditer(r".*?\[(\d+)\]|.+", _renumber(answer.answer, renumbered)):
            number = int(sentence.group(1)) if sentence.group(1) else None
            if number is None or number not in quoted:
                kept.append(sentence.group(0).strip())
            elif lead := _DATED_LEAD.match(sentence.group(0).strip()):
                dated.setdefault(number, lead.group(0).strip())
            if number is not None:
                quoted.add(number)
        text = " ".join(k for k in kept if k)
        if text and text not in texts:
            texts.append(text)
    together = []
    for sentence in re.finditer(r".*?\[(\d+)\]|.+", " ".join(texts)):
        part = sentence.group(0).strip()
        day = dated.pop(int(sentence.group(1)), None) if sentence.group(1) else None
        together.append(f"{day} {part}" if day and not _DATED_LEAD.match(part) else part)
    return dataclasses.replace(
        answers[0],
        question=whole.question,
        answer=" ".join(p for p in together if p),
        citations=citations,
        passages=passages,
        answer_type=whole.answer_type,
        evidence=min(
            (a.evidence for a in answers if a.evidence is not None),
            key=lambda e: e.p_answerable if e.p_answerable is not None else e.score,
            default=whole.evidence,
        ),
    )
