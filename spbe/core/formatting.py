"""People-facing formatting in one place: decimal comma, half-up rounding, Rupiah."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

# plotly layout.separators: decimal comma, dot for thousands (do not rely on the browser locale)
PLOTLY_SEPARATORS = ",."


def round_half_up(value: float, places: int = 2) -> float:
    """Round half-up on the shortest decimal that represents ``value``.

    Python's ``round()`` works on the binary value (``round(2.675, 2) == 2.67`` because 2.675 is
    stored as 2.67499…); published SPBE figures round such values up.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def format_number(value: float, places: int = 2) -> str:
    """``1234.5 -> "1.234,50"`` (Indonesian separators, half-up)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    quantum = Decimal(1).scaleb(-places)
    dec = Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{dec:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def format_index(value: float) -> str:
    """``2.486 -> "2,49"``; ``2.595 -> "2,60"``."""
    return format_number(value, 2)


def format_delta(value: float) -> str:
    """A signed change: ``0.69 -> "+0,69"``, ``-0.1 -> "−0,10"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = format_index(abs(value))
    if text == "0,00":
        return "±0,00"
    return ("+" if value > 0 else "−") + text


def format_rupiah(amount: float) -> str:
    """``1250000 -> "Rp 1.250.000"`` (whole Rupiah, half-up)."""
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "–"
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {format_number(abs(amount), 0)}"


def format_count(count: int) -> str:
    """A count with thousands points: 1244 -> '1.244'."""
    return f"{int(count):,}".replace(",", ".")


_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def format_large_count(count: int) -> str:
    """A count a reader can take in: exact below a million ('24.030'), else rounded in words
    ('sekitar 41 triliun', 'sekitar 2,8 miliar'); beyond a thousand trillion 'lebih dari 1.000
    triliun'."""
    count = int(count)
    if count < 10**6:
        return format_count(count)
    if count >= 10**15:
        return "lebih dari 1.000 triliun"
    for size, word in _SCALES:
        if count >= size:
            value = count / size
            shown = format_number(value, 1) if value < 10 else format_count(round(value))
            return f"sekitar {shown} {word}"
    return format_count(count)  # unreachable: every count >= 10**6 has a scale


MONTHS = (
    *("Januari", "Februari", "Maret", "April", "Mei", "Juni"),
    *("Juli", "Agustus", "September", "Oktober", "November", "Desember"),
)


def indonesian_date(day) -> str:
    """date(2025, 9, 1) -> '1 September 2025'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
