"""Errors that askcases reports to a user: each says what happened and what to do next."""

from typing import Any


class AskcasesError(Exception):
    """Base class; the CLI prints the message on one line and exits with `exit_code`."""

    exit_code = 1
    # When the error ended a question part-way: the answer as far as it got, with its trace
    # (askcases.types.Answer), so that the question is still traced.
    answer: Any = None


class UsageError(AskcasesError):
    """The user asked for something that cannot be done as asked (bad flag, bad file)."""

    exit_code = 2


class ArticleError(AskcasesError):
    """An article cannot be read as text; it is reported and skipped."""


class IndexStateError(AskcasesError):
    """The index is missing, or was built with other settings, and must be (re)built."""


class EvalGateError(AskcasesError):
    """An evaluation figure fell below the threshold that CI holds it to."""


class IndexBusyError(AskcasesError):
    """Another process is changing the index and did not finish within the wait."""

    exit_code = 75
