"""The patient-data guard: identifiers a question must not carry into a trace, a log, feedback or
a language-model endpoint.

Found and masked: NHS numbers (ten digits, valid by the modulus 11 check of the `nhs-number`
package; written together, with spaces or with dashes), dates of birth (a date after "born",
"DOB", "date of birth"), full UK postcodes, email addresses and UK phone numbers. A ten-digit
number that fails the check, a date with no birth cue and a partial postcode ("BS1") are left as
they are: case-study questions name years, dates and districts. Leaves out: names of people,
which questions about published case studies use for their authors and spokespeople.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nhs_number

# What each kind of identifier is replaced with, and how it is named to the person who typed it.
MASKS = {
    "nhs_number": ("[NHS number]", "NHS number"),
    "date_of_birth": ("[date of birth]", "date of birth"),
    "postcode": ("[postcode]", "postcode"),
    "email": ("[email address]", "email address"),
    "phone": ("[phone number]", "phone number"),
}

_NHS = re.compile(r"(?<![\d£.,/-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d|[,./-]\d)")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+(?:\d{{4}}|'?\d{{2}})"
    rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b"
)
_BIRTH = re.compile(
    rf"\b(?:born(?:\s+on)?|d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|birthday)"
    rf"\s*(?:is|was|of|[:=-])?\s*(?:the\s+)?(?P<date>{_DATE})",
    re.I,
)
_POSTCODE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[A-Za-z\d-]+(?:\.[A-Za-z\d-]+)+\b")
# A UK number: +44 or 0044 (an optional "(0)" after it), or a leading 0; then 9 or 10 digits.
_PHONE = re.compile(
    r"(?<![\w£])(?P<prefix>(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)"
    r"(?P<rest>\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4})\b"
)
_ORDINAL_END = re.compile(r"\d(?:st|nd|rd|th)$", re.I)


@dataclass(frozen=True)
class Found:
    kind: str  # a key of MASKS
    start: int
    end: int


def find_identifiers(text: str) -> list[Found]:
    """Every patient identifier in the text, in text order, none overlapping."""
    found: list[Found] = []

    def add(kind: str, start: int, end: int) -> None:
        if not any(f.start < end and start < f.end for f in found):
            found.append(Found(kind, start, end))

    for m in _NHS.finditer(text):
        if nhs_number.is_valid("".join(m.groups())):  # type: ignore[attr-defined]
            add("nhs_number", m.start(), m.end())
    for m in _BIRTH.finditer(text):
        add("date_of_birth", m.start("date"), m.end("date"))
    for m in _EMAIL.finditer(text):
        add("email", m.start(), m.end())
    for m in _POSTCODE.finditer(text):
        if not _ORDINAL_END.search(m.group(0)):  # "M1 1st phase", "H1 2nd half"
            add("postcode", m.start(), m.end())
    for m in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group("rest"))
        if 9 <= digits <= 10:  # after the 0 or the country code
            add("phone", m.start(), m.end())
    return sorted(found, key=lambda f: f.start)


def mask_identifiers(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with each identifier replaced by its mask, and the kinds found (each once)."""
    found = find_identifiers(text)
    if not found:
        return text, ()
    out, last = [], 0
    for f in found:
        out += [text[last : f.start], MASKS[f.kind][0]]
        last = f.end
    out.append(text[last:])
    return "".join(out), tuple(dict.fromkeys(f.kind for f in found))


def privacy_note(kinds: tuple[str, ...]) -> str:
    """What the person who typed identifiers is told."""
    if not kinds:
        return ""
    named = [MASKS[k][1] for k in kinds]
    what = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return (
        "askcases answers from published case studies, not patient records: the "
        f"{what} you typed {'was' if len(named) == 1 else 'were'} not kept."
    )
