import math

import pytest

from spbe.core.errors import SpbeError
from spbe.core.provenance import provenance_caption, provenance_kind, provenance_label


def test_badges_for_result_statuses_and_level_provenances():
    assert provenance_label("final", 2024) == "Resmi KemenPANRB 2024"
    assert provenance_label("resmi", 2023) == "Resmi KemenPANRB 2023"
    assert provenance_label("provisional", 2025) == "Mandiri — sementara"
    assert provenance_label("mandiri", 2025) == "Mandiri — sementara"
    assert provenance_label("rekonstruksi", 2024) == "Rekonstruksi"
    assert provenance_label("ilustrasi") == "Ilustrasi"
    assert provenance_label(" Resmi ") == "Resmi KemenPANRB"


def test_status_and_provenance_map_to_the_same_kind():
    assert provenance_kind("final") == provenance_kind("RESMI") == "resmi"
    assert provenance_kind("provisional") == "mandiri"


def test_unknown_provenance_is_refused_in_indonesian():
    with pytest.raises(SpbeError, match="Asal data 'tebakan' tidak dikenal"):
        provenance_label("tebakan", 2024)


def test_caption_adds_the_source_when_there_is_one():
    source = "KemenPANRB, Laporan Pelaksanaan Evaluasi SPBE 2024, Tabel 48"
    assert provenance_caption("final", 2024, source) == f"Resmi KemenPANRB 2024 · sumber: {source}"
    assert provenance_caption("final", 2024, None) == "Resmi KemenPANRB 2024"
    assert provenance_caption("provisional", 2025, math.nan) == "Mandiri — sementara"
