"""The project's one error type: refused input or an unusable resource, explained in Indonesian.

Every module raises ``SpbeError`` (or one of the thin subclasses below, which only preset the
heading and carry what a caller needs to tell cases apart). A page catches ``SpbeError`` and
shows its message; anything else is a bug and must fail loudly.

``problems`` holds every problem found (``Problem`` when it can be located in a file, else plain
text); the message lists the first ``MAX_LISTED`` and counts the rest, so a hostile file with a
million bad rows gives a message of bounded size.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    """One located problem; ``str()`` gives the Indonesian message.

    ``sheet``, ``row`` (Excel row number) and ``column`` (header label) are None when the problem
    is not tied to one.
    """

    sheet: str | None
    row: int | None
    column: str | None
    rule: str

    def __str__(self) -> str:
        where = []
        if self.sheet is not None:
            where.append(f'Sheet "{self.sheet}"')
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column is not None:
            where.append(f"kolom {self.column}")
        return f"{', '.join(where) or 'Berkas'}: {self.rule}"


def listed(problems: Iterable[object], limit: int = MAX_LISTED) -> list[str]:
    """The first ``limit`` problems as text, then "… dan N masalah lainnya." when there are more."""
    problems = tuple(problems)
    shown = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"… dan {len(problems) - limit:,} masalah lainnya.".replace(",", "."))
    return shown


class SpbeError(Exception):
    """Input refused or a resource unusable; ``str()`` is a complete Indonesian message.

    ``problems``: one text or many (``Problem`` or str). ``heading`` (default: the class's
    ``HEADING``) is written before them; one problem is written on the heading's line, several as a
    bulleted list of the first ``MAX_LISTED`` plus a count.
    """

    HEADING: str | None = None
    ALWAYS_LIST = False  # a single problem as a bulleted list too
    EXIT_CODE = 2  # the command line's exit code: 2 refused input, 1 an unusable resource

    def __init__(self, problems: str | Problem | Iterable[object], *, heading: str | None = None):
        if isinstance(problems, str | Problem):
            problems = (problems,)
        self.problems = tuple(problems)
        self.heading = heading if heading is not None else self.HEADING
        super().__init__(self._message())

    def _message(self) -> str:
        shown = listed(self.problems)
        if self.heading is None:
            return "\n- ".join(shown) if len(shown) > 1 else (shown[0] if shown else "")
        if len(shown) == 1 and not self.ALWAYS_LIST:
            return f"{self.heading}: {shown[0]}"
        return f"{self.heading}:\n- " + "\n- ".join(shown)

    @property
    def message(self) -> str:
        return str(self)
