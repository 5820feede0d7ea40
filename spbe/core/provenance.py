"""The one provenance vocabulary: every figure says whether it is official, self-assessed,
reconstructed or illustrative ("Resmi KemenPANRB 2024", "Mandiri — sementara", "Rekonstruksi",
"Ilustrasi"). The stored values are the enum's values; the labels are shown to users."""

from __future__ import annotations

import math
from enum import StrEnum

from spbe.core.errors import SpbeError


class Provenance(StrEnum):
    """Where a figure comes from (stored as the value; compares equal to its text)."""

    RESMI = "resmi"  # published by KemenPANRB
    MANDIRI = "mandiri"  # the instansi's own (self-assessment, own costs): provisional
    REKONSTRUKSI = "rekonstruksi"  # derived from published domain values
    ILUSTRASI = "ilustrasi"  # made up to demonstrate


PROVENANCES = tuple(p.value for p in Provenance)
FINAL = "final"  # result status of a published result
PROVISIONAL = "provisional"  # result status of a self-assessment

_BADGES = {
    Provenance.RESMI: "Resmi KemenPANRB",
    Provenance.MANDIRI: "Mandiri — sementara",
    Provenance.REKONSTRUKSI: "Rekonstruksi",
    Provenance.ILUSTRASI: "Ilustrasi",
}
DESCRIPTIONS = {
    Provenance.RESMI: "hasil evaluasi resmi KemenPANRB untuk instansi tersebut",
    Provenance.MANDIRI: "penilaian mandiri instansi (belum diverifikasi asesor)",
    Provenance.REKONSTRUKSI: "direkonstruksi dari nilai domain yang dipublikasikan, bukan nilai resmi",
    Provenance.ILUSTRASI: "nilai contoh untuk peragaan, bukan data sebenarnya",
}
_STATUS_TO_PROVENANCE = {FINAL: Provenance.RESMI, PROVISIONAL: Provenance.MANDIRI}


def provenance_kind(status_or_provenance: str) -> str:
    """'final' / 'resmi' -> 'resmi', 'provisional' / 'mandiri' -> 'mandiri', and so on."""
    key = str(status_or_provenance).strip().lower()
    key = _STATUS_TO_PROVENANCE.get(key, key)
    if key not in PROVENANCES:
        known = ", ".join([*_STATUS_TO_PROVENANCE, *_BADGES])
        raise SpbeError(
            f"Asal data '{status_or_provenance}' tidak dikenal (yang dikenal: {known})."
        )
    return Provenance(key)


def provenance_label(status_or_provenance: str, year: int | None = None) -> str:
    """The badge shown beside a figure: 'Resmi KemenPANRB 2024', 'Mandiri — sementara',
    'Rekonstruksi' or 'Ilustrasi'. ``status_or_provenance`` is a result status (final,
    provisional) or a level provenance (resmi, mandiri, rekonstruksi, ilustrasi)."""
    kind = provenance_kind(status_or_provenance)
    if kind == Provenance.RESMI and year is not None:
        return f"{_BADGES[kind]} {int(year)}"
    return _BADGES[kind]


def provenance_caption(status_or_provenance: str, year: int | None, source: str | None) -> str:
    """The badge followed by its source, for a caption under a figure."""
    label = provenance_label(status_or_provenance, year)
    if source is None or (isinstance(source, float) and math.isnan(source)) or not str(source):
        return label
    return f"{label} · sumber: {source}"
