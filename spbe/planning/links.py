"""The current scenario in URL query parameters, so that a link reproduces it.

A scenario in a link is: the starting profile (instansi, year, provenance), the simulated levels
and the planner's settings. Parameter names are short, values plain ASCII:

====  ==============================  ===================================================
key   meaning                         example
====  ==============================  ===================================================
i     instansi code                   ``kota-ternate``
y     year of the starting profile    ``2024``
p     provenance of that profile      ``rekonstruksi`` (none: the first stored profile)
l     levels, one digit per           ``22222222111111111111111111111113333333333332222``
      indicator in framework order    (47 digits under spbe-2020)
m     planner mode                    ``target`` or ``anggaran``
t     target: a predicate or index    ``Baik`` or ``2.75``
b     budget in whole Rupiah          ``1500000000``
k     locked indicators               ``1,5,42``
x     highest level allowed           ``4``
s     one level per year              ``1``
a     annual budgets, whole Rupiah,   ``750000000,800000000`` (the last one repeats)
      comma-separated (a roadmap)
n     years of the roadmap            ``5``
====  ==============================  ===================================================

``decode_state`` never raises on bad input: a parameter it cannot use is dropped with a message
(Indonesian) and the rest is kept; without a usable instansi and year there is no state at all.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from spbe.core.errors import SpbeError
from spbe.core.framework import Framework, framework_for_year
from spbe.core.provenance import PROVENANCES

KEYS = ("i", "y", "p", "l", "m", "t", "b", "k", "x", "s", "a", "n")
MAX_YEARS = 30  # as spbe.core.roadmap.MAX_YEARS (core stays free of planning)
MODES = ("target", "anggaran")
MAX_VALUE_LENGTH = 300
MAX_BUDGET = 10**15  # one quadrillion Rupiah: anything above is a typo
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class ScenarioState:
    """What a link carries. ``levels`` (framework order) is None when the link keeps the stored
    profile; ``target`` is a band name or an index (Decimal) for mode "target"."""

    instansi_code: str
    year: int
    provenance: str | None = None  # None: the instansi's first stored profile for the year
    levels: tuple[int, ...] | None = None
    mode: str = "target"
    target: str | Decimal | None = None
    budget: int | None = None
    locked: tuple[int, ...] = ()
    max_level: int | None = None
    one_step: bool = False
    annual_budgets: tuple[int, ...] = ()  # a roadmap under annual budgets (Rupiah per year)
    years: int | None = None

    def __post_init__(self):
        if self.provenance is not None and self.provenance not in PROVENANCES:
            raise SpbeError(f"Asal profil '{self.provenance}' tidak dikenal.")
        if self.mode not in MODES:
            raise SpbeError(f"Mode perencana '{self.mode}' tidak dikenal.")


@dataclass(frozen=True)
class Decoded:
    state: ScenarioState | None
    messages: tuple[str, ...] = field(default_factory=tuple)


def encode_state(state: ScenarioState) -> dict[str, str]:
    """The query parameters of ``state`` (only the ones that differ from the defaults)."""
    params = {"i": state.instansi_code, "y": str(state.year)}
    if state.provenance is not None:
        params["p"] = state.provenance
    if state.levels is not None:
        params["l"] = "".join(str(level) for level in state.levels)
    if state.mode != "target":
        params["m"] = state.mode
    if state.target is not None:
        params["t"] = str(state.target)
    if state.budget is not None:
        params["b"] = str(int(state.budget))
    if state.locked:
        params["k"] = ",".join(str(n) for n in sorted(set(state.locked)))
    if state.max_level is not None:
        params["x"] = str(state.max_level)
    if state.one_step:
        params["s"] = "1"
    if state.annual_budgets:
        params["a"] = ",".join(str(int(b)) for b in state.annual_budgets)
    if state.years is not None:
        params["n"] = str(int(state.years))
    return params


def link_state(
    params: Mapping[str, object],
    last_written: Mapping[str, str] | None,
    instansi_codes: Collection[str],
    framework_for: Callable[[int], Framework] = framework_for_year,
) -> Decoded:
    """The state of a link that was opened (not the parameters this session wrote itself)."""
    plain = {k: _last(v) for k, v in params.items() if k in KEYS}
    if not plain or plain == dict(last_written or {}):
        return Decoded(None)
    return decode_state(params, instansi_codes, framework_for)


def decode_state(
    params: Mapping[str, object],
    instansi_codes: Collection[str],
    framework_for: Callable[[int], Framework] = framework_for_year,
) -> Decoded:
    """The scenario in ``params`` (values may be str or lists of str, as st.query_params gives)."""
    values = {k: _last(params[k]) for k in KEYS if k in params}
    if not values:
        return Decoded(None)
    messages: list[str] = []
    too_long = [k for k, v in values.items() if v is None or len(v) > MAX_VALUE_LENGTH]
    for key in too_long:
        messages.append(f"Parameter tautan '{key}' diabaikan: nilainya tidak dapat dibaca.")
        del values[key]
    code, year_text = values.get("i"), values.get("y")
    if code is None or year_text is None:
        missing = " dan ".join(f"'{k}'" for k in ("i", "y") if k not in values)
        return Decoded(
            None, (*messages, f"Tautan skenario diabaikan: parameter {missing} tidak ada.")
        )
    if code not in instansi_codes:
        return Decoded(
            None, (*messages, f"Tautan skenario diabaikan: instansi '{code}' tidak dikenal.")
        )
    year = _whole(year_text)
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        return Decoded(
            None, (*messages, f"Tautan skenario diabaikan: tahun '{year_text}' tidak valid.")
        )
    try:
        fw = framework_for(year)
    except SpbeError as exc:
        return Decoded(None, (*messages, f"Tautan skenario diabaikan: {exc}"))

    provenance = values.get("p")
    if provenance is not None and provenance not in PROVENANCES:
        messages.append(
            f"Parameter tautan 'p' diabaikan: asal profil '{provenance}' tidak dikenal."
        )
        provenance = None
    fields: dict[str, object] = {}
    readers = {
        "l": ("levels", _levels),
        "m": ("mode", _mode),
        "t": ("target", _target),
        "b": ("budget", _budget),
        "k": ("locked", _locked),
        "x": ("max_level", _max_level),
        "s": ("one_step", _flag),
        "a": ("annual_budgets", _annual),
        "n": ("years", _years),
    }
    for key, (name, reader) in readers.items():
        if key not in values:
            continue
        value, problem = reader(values[key], fw)
        if problem:
            messages.append(f"Parameter tautan '{key}' diabaikan: {problem}")
        else:
            fields[name] = value
    state = ScenarioState(instansi_code=code, year=year, provenance=provenance, **fields)
    return Decoded(state, tuple(messages))


# -- readers: (value, None) or (None, problem) ---------------------------------------------------


def _last(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def _whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _levels(text: str, fw: Framework):
    n = len(fw.indicators)
    if len(text) != n or not (text.isascii() and text.isdigit()):
        return (
            None,
            f"tingkat harus {n} angka (satu per indikator), ditemukan {len(text)} karakter.",
        )
    levels = tuple(int(ch) for ch in text)
    if any(not fw.min_level <= v <= fw.max_level for v in levels):
        return None, f"setiap tingkat harus {fw.min_level}–{fw.max_level}."
    return levels, None


def _mode(text: str, fw: Framework):
    return (text, None) if text in MODES else (None, f"mode '{text}' tidak dikenal.")


def _target(text: str, fw: Framework):
    for band in fw.bands:
        if band.name.casefold() == text.strip().casefold():
            return band.name, None
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not fw.min_level <= value <= fw.max_level:
        return None, f"target '{text}' bukan predikat atau indeks {fw.min_level}–{fw.max_level}."
    return value, None


def _budget(text: str, fw: Framework):
    value = _whole(text)
    if value is None or value > MAX_BUDGET:
        return None, f"anggaran '{text}' harus bilangan bulat Rupiah tanpa titik."
    return value, None


def _locked(text: str, fw: Framework):
    parts = [p for p in text.split(",") if p.strip()]
    numbers = [_whole(p) for p in parts]
    known = set(fw.indicator_numbers)
    if any(n is None or n not in known for n in numbers):
        return None, f"indikator terkunci '{text}' tidak dikenal dalam {fw.id}."
    return tuple(sorted(set(numbers))), None


def _max_level(text: str, fw: Framework):
    value = _whole(text)
    if value is None or not fw.min_level <= value <= fw.max_level:
        return None, f"tingkat maksimum harus {fw.min_level}–{fw.max_level}."
    return value, None


def _flag(text: str, fw: Framework):
    if text in ("0", "1"):
        return text == "1", None
    return None, "harus 0 atau 1."


def _annual(text: str, fw: Framework):
    parts = [p.strip() for p in text.split(",")]
    values = [_whole(p) for p in parts]
    if not parts or any(v is None or v > MAX_BUDGET for v in values) or len(values) > MAX_YEARS:
        return None, (
            f"anggaran per tahun '{text}' harus bilangan bulat Rupiah tanpa titik, dipisah koma "
            f"(paling banyak {MAX_YEARS})."
        )
    return tuple(values), None


def _years(text: str, fw: Framework):
    value = _whole(text)
    if value is None or not 1 <= value <= MAX_YEARS:
        return None, f"jumlah tahun harus 1–{MAX_YEARS}."
    return value, None
