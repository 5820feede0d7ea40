"""Display tables and texts of the planning pages (Indonesian labels, decimal comma, Rupiah), and
Rupiah amounts as people type them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from spbe.core.costs import INDICATOR_COLUMN, cost_columns
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_delta, format_index, format_number, format_rupiah
from spbe.core.framework import Framework
from spbe.core.provenance import provenance_label
from spbe.core.roadmap import MAX_YEARS
from spbe.core.scenario import InstansiCosts

MAX_BUDGET = 10**15  # Rupiah: one quadrillion; anything above is a typo
RUPIAH_EXAMPLES = "750000000, 750.000.000, Rp 750.000.000, 750 juta atau 1,5 miliar"
_SCALES = {"ribu": 3, "rb": 3, "juta": 6, "jt": 6, "miliar": 9, "milyar": 9, "triliun": 12}
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
# One amount: "Rp" (optional), whole Rupiah with thousands points or plain digits, a decimal part
# only before a scale word ("1,5 miliar") or as no sen ("750.000.000,00", "750.000,-"), a scale word.
_AMOUNT = re.compile(
    rf"(?:rp\.?\s*)?(?P<whole>\d{{1,3}}(?:\.\d{{3}})+(?!\d)|\d+)"
    rf"(?:(?P<fraction>[.,]\d+)(?=\s*(?:{_SCALE})\b)|,0{{1,2}}(?!\d)|[.,]-)?"
    rf"(?:\s*(?P<scale>{_SCALE})\b)?"
)
_NEGATIVE = re.compile(r"(?:rp\.?\s*)?[-−–]\s*(?:rp\.?\s*)?\d")
_COMMA_THOUSANDS = re.compile(rf"(?<![\d.,])\d{{1,3}}(?:,\d{{3}})+(?![\d.,]|\s*(?:{_SCALE})\b)")
# "1,5" or "2,75" without a scale word: a decimal comma (sen), not two budgets
_SEN = re.compile(rf"\d,(?!0{{1,2}}(?!\d))\d{{1,2}}(?!\d|\s*(?:{_SCALE})\b)")
_SEPARATORS = ";,|\n"


class BudgetError(SpbeError):
    """A Rupiah amount typed by a person cannot be read (Indonesian message)."""


def parse_budgets(
    text: object, what: str = "Anggaran", *, one: bool = False, examples: str = RUPIAH_EXAMPLES
) -> tuple[int, ...]:
    """Whole Rupiah amounts typed by a person, in order: one, or one per year separated by ";"
    (or ","). Each may be "750000000", "750.000.000", "Rp 750.000.000", "750 juta", "1,5 miliar"
    (thousands point, decimal comma; ribu, rb, juta, jt, miliar, milyar, triliun). Raises
    BudgetError for anything else: empty, negative, not a number, fractions of a Rupiah, more
    than ``MAX_BUDGET`` or more than ``MAX_YEARS`` figures. ``one``: a single amount is wanted
    (the messages then say nothing of several years); ``examples`` are quoted in the messages."""
    typed = " ".join(str(text if text is not None else "").split())
    folded = typed.casefold()
    if not folded:
        raise BudgetError(f"{what} belum diisi. Tulis misalnya {examples}.")
    if _COMMA_THOUSANDS.search(folded):
        several = (
            ""
            if one
            else ("; pisahkan anggaran beberapa tahun dengan titik koma (750.000.000; 800.000.000)")
        )
        raise BudgetError(
            f"{what} '{typed}': pemisah ribuan memakai titik (750.000.000), bukan koma{several}."
        )
    if _SEN.search(folded):
        raise BudgetError(
            f"{what} '{typed}' harus dalam Rupiah utuh (tanpa sen); untuk pecahan tulis "
            "satuannya, misalnya 1,5 miliar."
        )
    amounts, pos = [], 0
    while pos < len(folded):
        if _NEGATIVE.match(folded, pos):
            raise BudgetError(f"{what} tidak boleh negatif ('{typed}').")
        found = _AMOUNT.match(folded, pos)
        if found is None:
            raise _unreadable(typed, what, one, examples)
        amounts.append(_amount(found, typed, what))
        pos = found.end()
        while pos < len(folded) and folded[pos] == " ":
            pos += 1
        if pos < len(folded):
            if folded[pos] not in _SEPARATORS:
                raise _unreadable(typed, what, one, examples)
            pos += 1
            while pos < len(folded) and (folded[pos] == " " or folded[pos] in _SEPARATORS):
                pos += 1
    if len(amounts) > MAX_YEARS:
        raise BudgetError(f"{what}: paling banyak {MAX_YEARS} angka (satu per tahun).")
    return tuple(amounts)


def parse_rupiah(text: object, what: str = "Anggaran", examples: str = RUPIAH_EXAMPLES) -> int:
    """One whole Rupiah amount typed by a person (forms as in ``parse_budgets``)."""
    amounts = parse_budgets(text, what, one=True, examples=examples)
    if len(amounts) != 1:
        raise BudgetError(f"{what}: tulis satu angka Rupiah, bukan {len(amounts)}.")
    return amounts[0]


def _unreadable(typed: str, what: str, one: bool, examples: str) -> BudgetError:
    several = "" if one else "; anggaran beberapa tahun dipisah titik koma: 750 juta; 800 juta"
    return BudgetError(
        f"{what} '{typed}' tidak dapat dibaca sebagai Rupiah. Tulis misalnya {examples}{several}."
    )


def _amount(found: re.Match, typed: str, what: str) -> int:
    value = Decimal(found["whole"].replace(".", ""))
    if found["fraction"]:
        value += Decimal("0." + found["fraction"][1:])
    if found["scale"]:
        value = value.scaleb(_SCALES[found["scale"]])
    if value != value.to_integral_value():
        raise BudgetError(f"{what} '{typed}' harus dalam Rupiah utuh (tanpa sen).")
    if value > MAX_BUDGET:
        raise BudgetError(
            f"{what} '{typed}' terlalu besar (lebih dari {format_rupiah(MAX_BUDGET)})."
        )
    return int(value)


def budgets_text(budgets: Sequence[int], start_year: int | None = None) -> str:
    """People's text of annual budgets: "Rp 750.000.000 per tahun" or, one per year, "2025:
    Rp 750.000.000; 2026: Rp 800.000.000 (selanjutnya Rp 800.000.000 per tahun)"."""
    if len(set(budgets)) <= 1:
        return f"{format_rupiah(budgets[0]) if budgets else '–'} per tahun"
    labels = [
        f"tahun ke-{k}" if start_year is None else str(start_year + k - 1)
        for k in range(1, len(budgets) + 1)
    ]
    listed = "; ".join(f"{y}: {format_rupiah(b)}" for y, b in zip(labels, budgets))
    return f"{listed} (selanjutnya {format_rupiah(budgets[-1])} per tahun)"


def budgets_input(budgets: Sequence[int]) -> str:
    """Budgets as typed back into the page: "750.000.000; 800.000.000"."""
    return "; ".join(format_rupiah(b).removeprefix("Rp ") for b in budgets)


def number_ranges(numbers: Sequence[int]) -> str:
    """[1, 2, 3, 5, 7, 8] -> '1–3, 5, 7–8'."""
    values = sorted({int(n) for n in numbers})
    runs: list[list[int]] = []
    for n in values:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def format_points(value: float) -> str:
    """Index points with as many decimals as needed (2 to 4): 0,03 · 0,0275 · 0,676."""
    text = format_number(value, 4)
    while text.endswith("0") and len(text.split(",")[1]) > 2:
        text = text[:-1]
    return text


def steps_display(steps: pd.DataFrame, share: pd.Series | None = None) -> pd.DataFrame:
    """``plan_steps_table`` rows for people: Indikator, Nama, Langkah, Biaya, Kenaikan indeks; with
    ``share`` (one OPD's part of each step's cost, same index) also "Bagian OPD ini"."""
    shown = pd.DataFrame(
        {
            "Indikator": steps["indicator"].astype("int64"),
            "Nama": steps["name"].astype(str),
            "Langkah": [f"{a} → {b}" for a, b in zip(steps["from_level"], steps["to_level"])],
            "Biaya": steps["cost"].map(format_rupiah),
            "Kenaikan indeks": steps["index_gain"].map(lambda v: "+" + format_points(v)),
        }
    )
    if share is not None:
        shown.insert(4, "Bagian OPD ini", share.map(format_rupiah))
    return shown


# -- the cost table, shown and edited as Rupiah text ---------------------------------------------

TRIAL_LABEL = "Biaya coba"
ASAL_COLUMN = "Asal"
COST_EXAMPLES = "35.000.000, Rp 35.000.000, 35 juta, 35 jt atau 1,5 miliar (0 bila tanpa biaya)"
COST_RULE = (
    "biaya ditulis dalam Rupiah utuh dan tidak negatif, satu angka per sel, titik sebagai pemisah "
    f"ribuan: {COST_EXAMPLES}"
)


class CostEntryError(SpbeError):
    """Cost cells typed by a person that cannot be read; nothing was changed."""

    HEADING = f"Biaya tidak diubah; perbaiki sel berikut ({COST_RULE})"
    ALWAYS_LIST = True


def _row_origins(costs: InstansiCosts) -> list[str]:
    """Each row's provenance label; a row of trial costs that differs from the office's table
    (``costs.changed``, see ``spbe.planning.session.TrialCosts``) is "Biaya coba"."""
    changed = set(getattr(costs, "changed", ()))
    return [
        TRIAL_LABEL if int(n) in changed else provenance_label(costs.row_provenance[int(n)])
        for n in costs.table.frame[INDICATOR_COLUMN]
    ]


def costs_display(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table for people: Indikator, Nama, one Rupiah column per step, Asal."""
    frame = costs.table.frame
    shown = pd.DataFrame({"Indikator": frame[INDICATOR_COLUMN].astype("int64")})
    shown["Nama"] = [fw.indicator(int(n)).short_name for n in frame[INDICATOR_COLUMN]]
    for column in cost_columns(fw)[1:]:
        shown[column] = frame[column].map(format_rupiah)
    shown[ASAL_COLUMN] = _row_origins(costs)
    return shown


def costs_editor_frame(costs: InstansiCosts, fw: Framework) -> pd.DataFrame:
    """The cost table to edit: as ``costs_display`` (steps as Rupiah text, "Rp 35.000.000");
    Indikator, Nama and Asal are read-only in the editor. Read back with ``costs_from_editor``."""
    return costs_display(costs, fw)


def costs_from_editor(
    edited: pd.DataFrame, base: InstansiCosts, fw: Framework
) -> dict[int, tuple[float, ...]]:
    """``{indicator: step costs}`` from the edited ``costs_editor_frame`` of ``base``.

    Every step cell is read with ``parse_rupiah`` ("35.000.000", "Rp 35.000.000", "35 juta",
    "35 jt", "1,5 miliar", "0"); a cell left as shown keeps ``base``'s exact figure (no rounding
    of sen). Raises CostEntryError naming the indicator and column of every unreadable cell (and
    the rule); nothing is returned then."""
    steps = cost_columns(fw)[1:]
    frame = base.table.frame
    shown = costs_display(base, fw)
    indicators = [int(n) for n in frame[INDICATOR_COLUMN]]
    if INDICATOR_COLUMN not in edited or [int(n) for n in edited[INDICATOR_COLUMN]] != indicators:
        raise CostEntryError(
            "baris tabel biaya tidak boleh ditambah, dihapus atau diurutkan ulang."
        )
    missing = [c for c in steps if c not in edited.columns]
    if missing:
        raise CostEntryError(f"kolom '{missing[0]}' tidak ada.")
    problems: list[str] = []
    mapping: dict[int, tuple[float, ...]] = {}
    for row, n in enumerate(indicators):
        values = []
        for column in steps:
            typed = edited[column].iloc[row]
            if not isinstance(typed, str):  # a cleared cell is None (or NaN)
                typed = "" if pd.isna(typed) else format_number(float(typed), 0)
            if typed.strip() == shown[column].iloc[row]:
                values.append(float(frame[column].iloc[row]))
                continue
            where = f"Indikator {n} ({fw.indicator(n).short_name}), kolom {column}:"
            try:
                values.append(float(parse_rupiah(typed, where, COST_EXAMPLES)))
            except BudgetError as exc:
                problems.append(str(exc))
        mapping[n] = tuple(values)
    if problems:
        raise CostEntryError(problems)
    return mapping


def comparison_display(comparison: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """``compare_scenarios`` for people, one column per scenario (rows: figures)."""
    kind, items = ("domain", fw.domains) if fw.has_domains else ("aspect", fw.aspects)
    label = "Domain" if fw.has_domains else "Aspek"
    rows = {
        "Profil awal": comparison["provenance"],
        "Indeks awal": comparison["index_before"].map(format_index),
        "Indeks": comparison["index_value"].map(format_index),
        "Predikat": comparison["predicate"],
        "Perubahan": comparison["change"].map(format_delta),
        "Biaya": comparison["cost"].map(format_rupiah),
    }
    for g in items:
        rows[f"{label} {g.number}"] = comparison[f"{kind}_{g.number}"].map(format_index)
    if "roadmap_years" in comparison:
        rows["Peta jalan"] = comparison["roadmap_years"].map(_years_text)
    table = pd.DataFrame(rows)
    table.index = comparison["name"]
    return table.T


def _years_text(years) -> str:
    """(2025, 2026, 2027) -> "3 tahun (2025–2027)"; "–" without a roadmap."""
    years = list(years) if isinstance(years, tuple | list) else []
    if not years:
        return "–"
    span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return f"{len(years)} tahun ({span})"


def admin_only_message(what: str, admin_configured: bool, read_only: bool) -> str:
    """Why a write control is not shown: read-only fallback, no admin password, or not logged in."""
    if read_only:
        return f"Mode baca saja: {what} tidak tersedia sampai basis data utama dapat dibuka."
    if not admin_configured:
        return (
            f"{what.capitalize()} lewat dasbor tidak aktif karena kata sandi admin belum diatur "
            "(SPBE_ADMIN_PASSWORD_HASH; buat dengan `python -m spbe hash-password`)."
        )
    return f"{what.capitalize()} hanya untuk admin: masuk sebagai admin di bilah samping."


def roadmap_display(table: pd.DataFrame) -> pd.DataFrame:
    """``roadmap_table`` (or ``saved_roadmap``) for people: Tahun, Indikator naik, Biaya,
    Anggaran, Sisa anggaran, Indeks sesudah, Predikat sesudah."""
    return pd.DataFrame(
        {
            "Tahun": table["year"].astype(str),
            "Indikator naik": [
                f"{len(raised)}: {number_ranges(raised)}" if raised else "–"
                for raised in table["indicators"]
            ],
            "Biaya": table["cost"].map(format_rupiah),
            "Anggaran": table["budget"].map(format_rupiah),
            "Sisa anggaran": (table["budget"] - table["cost"]).map(format_rupiah),
            "Indeks sesudah": table["index_after"].map(format_index),
            "Predikat sesudah": table["predicate_after"].astype(str),
        }
    )


def roadmap_summary(table: pd.DataFrame, target_name: str | None, feasible: bool) -> str:
    """One sentence on a roadmap: when the target is reached (or not) and what it costs."""
    if table.empty:
        return "Target sudah tercapai pada profil awal; tidak ada kenaikan yang perlu dibiayai."
    first, last = int(table["year"].iloc[0]), int(table["year"].iloc[-1])
    span = str(first) if first == last else f"{first}–{last}"
    cost, budget = format_rupiah(table["cost"].sum()), format_rupiah(table["budget"].sum())
    after = f"{format_index(table['index_after'].iloc[-1])} ({table['predicate_after'].iloc[-1]})"
    if target_name is None:
        head = f"Indeks tertinggi dalam {len(table)} tahun ({span}): {after}"
    elif feasible:
        head = f"{target_name} tercapai pada {last}, dalam {len(table)} tahun: indeks {after}"
    else:
        head = (
            f"{target_name} belum tercapai dalam {len(table)} tahun ({span}); paling tinggi {after}"
        )
    return f"{head}. Biaya {cost} dari anggaran {budget} untuk tahun-tahun itu."
