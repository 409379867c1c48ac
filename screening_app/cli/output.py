"""What every command group of the command line shares: exit statuses, the error that
ends a command with one sentence, and how results are printed (JSON, tables)."""

import json
import unicodedata
from collections.abc import Sequence

from screening_app.domain.errors import UserError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
# verify, check and audit verify: what was checked is not whole.
EXIT_INVALID = 3


class CliError(UserError):
    pass


def print_json(value) -> None:
    # Hangul and Hanzi are written as themselves, not as \u escapes.
    print(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def table(rows: Sequence[Sequence], headers: Sequence[str]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in [headers, *rows]]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(v + " " * (w - _width(v)) for v, w in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )


def _width(text: str) -> int:
    # Hangul and Hanzi take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
