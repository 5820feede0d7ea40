"""A bookmarkable presentation link (?instansi=…&tahun=…) and what the Presentasi page shows on a run."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from spbe.core.instansi import find_code, spelling_lookup


def _last_value(value) -> str | None:
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def link_choice(params: Mapping[str, object], instansi: pd.DataFrame):
    """(instansi_code or None, year or None, messages) from ``?instansi=…&tahun=…``.

    ``instansi`` is a code or a name (case and spacing ignored), as in the CLI; ``instansi`` is the
    store's instansi table (code, name). A value that cannot be used is dropped with a message.
    """
    messages = []
    wanted, year_text = _last_value(params.get("instansi")), _last_value(params.get("tahun"))
    code = None
    if wanted is not None:
        lookup = spelling_lookup(zip(instansi["code"], instansi["name"], strict=True))
        code = find_code(lookup, wanted)
        if code is None:
            messages.append(
                f"Instansi '{wanted[:80]}' pada tautan tidak dikenal; memakai pilihan sidebar."
            )
    year = None
    if year_text is not None:
        if year_text.isascii() and year_text.isdigit() and len(year_text) == 4:
            year = int(year_text)
        else:
            messages.append(
                f"Tahun '{year_text[:20]}' pada tautan tidak valid; memakai pilihan sidebar."
            )
    return code, year, tuple(messages)


def presentation_choice(
    params: Mapping[str, object],
    written: Mapping[str, str] | None,
    instansi: pd.DataFrame,
    sidebar: tuple[str, int] | None,
    sidebar_seen: tuple[str, int] | None,
    previous: tuple[str, int] | None,
):
    """((instansi_code, year) or None, messages): what the Presentasi page shows on this run.

    A link that was opened (parameters other than the ones the page wrote itself, ``written``)
    wins; otherwise a change in the sidebar filters; otherwise the previous choice. ``sidebar`` is
    None when the filters are not available on this run.
    """
    if params and dict(params) != dict(written or {}):
        code, year, messages = link_choice(params, instansi)
        base = sidebar or previous
        if code and year:
            return (code, year), messages
        if base is None:
            return None, (*messages, "Tautan presentasi perlu ?instansi=…&tahun=….")
        return (code or base[0], year or base[1]), messages
    if sidebar is not None and (sidebar != sidebar_seen or previous is None):
        return sidebar, ()
    return previous or sidebar, ()
