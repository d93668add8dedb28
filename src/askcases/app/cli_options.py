"""What every askcases command shares: its flags for settings, filters and back-ends, and the one
place errors become a line on stderr and an exit code (never a stack trace).

Leaves out: the commands themselves (askcases.app.cli, askcases.app.cli_eval).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from askcases.config import Settings, load_settings
from askcases.errors import AskcasesError
from askcases.files import write_json
from askcases.types import BACKENDS

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """An error as the user sees it: `askcases: <what happened and what to do>`."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        # click declares exit_code on the class; each askcases error carries its own.
        self.exit_code = exit_code  # type: ignore[misc]

    def show(self, file: Any = None) -> None:
        click.echo(f"askcases: {self.format_message()}", err=True)


class AskcasesGroup(click.Group):
    """A command group whose askcases errors, and any unexpected one, end as one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AskcasesError as exc:
            raise CliError(str(exc), exc.exit_code) from None
        except KeyboardInterrupt:
            raise CliError("interrupted", 130) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # the last line of defence: one line, never a stack trace
            raise CliError(f"unexpected {type(exc).__name__}: {exc}; please report this") from None


def settings_from(**flags: Any) -> Settings:
    """Settings from the environment, with the command's flags (None = not given) on top."""
    return load_settings(**flags)


def write_json_file(path: Path, data: Any) -> None:
    write_json(path, data)


def path_option(flag: str, name: str, help_text: str) -> Callable[[F], F]:
    return click.option(flag, name, type=click.Path(path_type=Path), default=None, help=help_text)


corpus_option = path_option(
    "--corpus", "corpus_dir", "Corpus directory (default: ASKCASES_CORPUS or the repo's corpus/)."
)
index_option = path_option(
    "--index", "index_dir", "Index directory (default: ASKCASES_INDEX or the repo's index/)."
)
chroma_option = click.option(
    "--chroma-url",
    "chroma_url",
    default=None,
    metavar="URL",
    help="Keep the index on this Chroma server, e.g. http://127.0.0.1:8000 "
    "(default: ASKCASES_CHROMA_URL, else local disk under the index directory).",
)


def where_options(command: F) -> F:
    """--corpus, --index and --chroma-url."""
    return corpus_option(index_option(chroma_option(command)))


def llm_options(command: F) -> F:
    command = click.option(
        "--guard/--no-guard",
        default=None,
        help="Show the extractive answer beside a generated one that fails verification.",
    )(command)
    command = click.option(
        "--base-url", default=None, help="OpenAI-compatible endpoint (openai back-end)."
    )(command)
    command = click.option(
        "--model",
        default=None,
        help="GGUF file (llamacpp) or model name (openai); default ASKCASES_MODEL.",
    )(command)
    command = click.option(
        "--llm",
        type=click.Choice(BACKENDS),
        default=None,
        help="Answer back-end (default ASKCASES_LLM, else extractive).",
    )(command)
    return command


def filter_options(command: F) -> F:
    command = click.option(
        "--doc", "doc_ids", multiple=True, help="Answer only from this document id (repeatable)."
    )(command)
    command = click.option(
        "--as-of",
        "as_of",
        default=None,
        help="Answer from the library as it stood on this date (YYYY[-MM[-DD]]): only articles "
        "published by then, and newer articles judged as of then.",
    )(command)
    command = click.option(
        "--until", default=None, help="Only articles published on or before (YYYY[-MM[-DD]])."
    )(command)
    command = click.option(
        "--since", default=None, help="Only articles published on or after (YYYY[-MM[-DD]])."
    )(command)
    return command
