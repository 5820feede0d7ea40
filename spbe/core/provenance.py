"""Provenance badges: every figure says whether it is official, self-assessed, reconstructed or
illustrative ("Resmi KemenPANRB 2024", "Mandiri — sementara", "Rekonstruksi", "Ilustrasi")."""

from __future__ import annotations

import math

from spbe.core.errors import SpbeError

FINAL = "final"
PROVISIONAL = "provisional"

_BADGES = {
    "resmi": "Resmi KemenPANRB",
    "mandiri": "Mandiri — sementara",
    "rekonstruksi": "Rekonstruksi",
    "ilustrasi": "Ilustrasi",
}
_STATUS_TO_PROVENANCE = {FINAL: "resmi", PROVISIONAL: "mandiri"}


def provenance_kind(status_or_provenance: str) -> str:
    """'final' / 'resmi' -> 'resmi', 'provisional' / 'mandiri' -> 'mandiri', and so on."""
    key = str(status_or_provenance).strip().lower()
    key = _STATUS_TO_PROVENANCE.get(key, key)
    if key not in _BADGES:
        known = ", ".join([*_STATUS_TO_PROVENANCE, *_BADGES])
        raise SpbeError(
            f"Asal data '{status_or_provenance}' tidak dikenal (yang dikenal: {known})."
        )
    return key


def provenance_label(status_or_provenance: str, year: int | None = None) -> str:
    """The badge shown beside a figure: 'Resmi KemenPANRB 2024', 'Mandiri — sementara',
    'Rekonstruksi' or 'Ilustrasi'. ``status_or_provenance`` is a result status (final,
    provisional) or a level provenance (resmi, mandiri, rekonstruksi, ilustrasi)."""
    kind = provenance_kind(status_or_provenance)
    if kind == "resmi" and year is not None:
        return f"{_BADGES[kind]} {int(year)}"
    return _BADGES[kind]


def provenance_caption(status_or_provenance: str, year: int | None, source: str | None) -> str:
    """The badge followed by its source, for a caption under a figure."""
    label = provenance_label(status_or_provenance, year)
    if source is None or (isinstance(source, float) and math.isnan(source)) or not str(source):
        return label
    return f"{label} · sumber: {source}"
