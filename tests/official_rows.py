"""Real published results shaped like the store's ``official`` frame, built without the store.

The 2023/2024 rows come from data/hasil-evaluasi-spbe-2023-2024.csv; the national series
(L24 Tabel 4), Maluku Utara 2022 (N22) and Ternate's 2025 self-assessment (N25) are typed in by
hand from the reference (shared/spbe-reference.md §4). Indicator levels are not published; the
Ternate profiles below are reconstructions that reproduce the published domains, index and
predicate (checked in tests/results/test_changes.py).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from spbe.core.instansi import instansi_code
from tests.conftest import ROOT

L24_TABEL_4 = "KemenPANRB, Laporan Pelaksanaan Evaluasi SPBE 2024, Tabel 4"
# year: (index, D1, D2, D3, D4); 2018–2020 use the 5/2018 instrument (no D3; D4 = Layanan)
NATIONAL = {
    2018: (1.98, 1.75, 1.74, None, 2.17),
    2019: (2.18, 1.95, 1.86, None, 2.40),
    2020: (2.26, 2.07, 1.95, None, 2.48),
    2021: (2.24, 2.21, 1.89, 1.23, 2.81),
    2022: (2.34, 2.39, 1.85, 1.32, 2.96),
    2023: (2.79, 2.94, 2.29, 1.66, 3.47),
    2024: (3.12, 3.36, 2.62, 1.86, 3.78),
}


def _hand_rows() -> list[dict]:
    rows = [
        {
            "instansi_code": "nasional",
            "instansi_name": "Nasional",
            "kind": "nasional",
            "province": None,
            "year": year,
            "framework": "spbe-2018" if year <= 2020 else "spbe-2020",
            "index_value": index,
            "predicate": None,
            "domain_1": d1,
            "domain_2": d2,
            "domain_3": np.nan if d3 is None else d3,
            "domain_4": d4,
            "source": L24_TABEL_4,
            "source_url": None,
            "status": "final",
        }
        for year, (index, d1, d2, d3, d4) in NATIONAL.items()
    ]
    empty_domains = dict.fromkeys(("domain_1", "domain_2", "domain_3", "domain_4"), np.nan)
    rows.append(
        {
            "instansi_code": "prov-maluku-utara",
            "instansi_name": "Provinsi Maluku Utara",
            "kind": "provinsi",
            "province": "Maluku Utara",
            "year": 2022,
            "framework": "spbe-2020",
            "index_value": 2.47,
            "predicate": "Cukup",
            **empty_domains,
            "source": "Berita: SK MenPANRB 108/2023",
            "source_url": "https://jazirah.id/2024/06/27/",
            "status": "final",
        }
    )
    rows.append(
        {
            "instansi_code": "kota-ternate",
            "instansi_name": "Kota Ternate",
            "kind": "kota",
            "province": "Maluku Utara",
            "year": 2025,
            "framework": "spbe-2020",
            "index_value": 3.75,
            "predicate": None,
            **empty_domains,
            "source": "Penilaian mandiri Kota Ternate 2025",
            "source_url": None,
            "status": "provisional",
        }
    )
    return rows


@cache
def _official() -> pd.DataFrame:
    raw = pd.read_csv(ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv")
    published = pd.DataFrame(
        {
            "instansi_code": raw["instansi"].map(instansi_code),
            "instansi_name": raw["instansi"],
            "kind": raw["kind"],
            "province": raw["province"].where(raw["province"].notna(), None),
            "year": raw["year"],
            "framework": "spbe-2020",
            "index_value": raw["index"],
            "predicate": raw["predicate"],
            "domain_1": raw["domain_1"],
            "domain_2": raw["domain_2"],
            "domain_3": raw["domain_3"],
            "domain_4": raw["domain_4"],
            "source": raw["source_table"],
            "source_url": None,
            "status": "final",
        }
    )
    return pd.concat([pd.DataFrame(_hand_rows()), published], ignore_index=True)


def official_frame() -> pd.DataFrame:
    """A fresh copy each call, so a test can check that nothing modified it."""
    return _official().copy()


def raw_results() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "hasil-evaluasi-spbe-2023-2024.csv")


# Reconstructed Kota Ternate profiles (not published per indicator): each reproduces the published
# domains, index and predicate of its year (L23 Tabel 47, L24 Tabel 48).
# 2023: D1 1.00, D2 1.00, D3 1.00, D4 1.45, index 1.20 Kurang. Indicators 32–34 and 42–45 at 2:
#   D4 = (10·2.75 + 3·2.75 + 6·3 + 4·3) / 45.5 = 65.75 / 45.5 = 1.4451 -> 1,45; index 1.2025.
TERNATE_2023 = {n: 1 for n in range(1, 48)} | {32: 2, 33: 2, 34: 2, 42: 2, 43: 2, 44: 2, 45: 2}
# 2024: D1 1.80, D2 1.00, D3 1.00, D4 2.74, index 1.89 Cukup. Indicators 1–8 at 2, 32–41 at 3,
#   42–47 = 3, 2, 3, 2, 2, 2: D1 = 18·1.3/13 = 1.80; D4 = (30·2.75 + 14·3)/45.5 = 124.5/45.5 = 2.736;
#   index = (23.4 + 25 + 16.5 + 124.5)/100 = 1.894.
TERNATE_2024 = (
    {n: 1 for n in range(1, 48)}
    | {n: 2 for n in range(1, 9)}
    | {n: 3 for n in range(32, 42)}
    | {42: 3, 43: 2, 44: 3, 45: 2, 46: 2, 47: 2}
)


def levels_frame(*profiles: tuple[int, dict[int, int]], provenance="rekonstruksi") -> pd.DataFrame:
    rows = [
        ("kota-ternate", year, "spbe-2020", n, level, provenance, None)
        for year, profile in profiles
        for n, level in profile.items()
    ]
    columns = ["instansi_code", "year", "framework", "indicator", "level", "provenance", "note"]
    return pd.DataFrame(rows, columns=columns)


OPD = {
    "kominfo": "Diskomsandi",
    "bappeda": "Bappelitbangda",
    "bpkad": "BPKAD",
    "bkpsdm": "BKPSDM",
    "inspektorat": "Inspektorat",
    "hukum": "Bagian Hukum",
    "organisasi": "Bagian Organisasi",
    "ukpbj": "UKPBJ",
    "arsip": "Dispursip",
    "dpmptsp": "DPMPTSP",
    "dukcapil": "Dukcapil",
    "dinkes": "Dinkes",
}
# Reference §5 (local default), Ternate's choices: 33 led by BPKAD with Bappeda supporting;
# 45–47 by DPMPTSP, Dukcapil and Dinas Kesehatan.
LEADS = (
    {n: ("kominfo",) for n in (1, 2, 4, 5, 6, 7, 8, 10, 11, 12, 15, 16, 17, 18, 19, 20)}
    | {n: ("kominfo",) for n in (22, 23, 26, 28, 42, 43)}
    | {3: ("kominfo", "bappeda"), 13: ("bappeda", "bpkad")}
    | {n: ("kominfo", "inspektorat") for n in (9, 21, 29, 30, 31)}
    | {n: ("organisasi",) for n in (14, 27, 40)}
    | {n: ("bpkad",) for n in (24, 33, 34, 38)}
    | {n: ("bkpsdm",) for n in (25, 36, 41)}
    | {32: ("bappeda",), 35: ("ukpbj",), 37: ("arsip",), 39: ("inspektorat",), 44: ("hukum",)}
    | {45: ("dpmptsp",), 46: ("dukcapil",), 47: ("dinkes",)}
)
SUPPORTS = {n: ("hukum",) for n in (1, 2, 4, 5, 6, 7, 8)} | {
    10: ("organisasi",),
    19: ("organisasi",),
    20: ("organisasi",),
    33: ("bappeda",),
}


def opd_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "instansi_code": "kota-ternate",
            "opd_code": list(OPD),
            "name": [f"{short} Kota Ternate" for short in OPD.values()],
            "short_name": list(OPD.values()),
        }
    )


def owners_frame(leads=LEADS, supports=SUPPORTS, confirmed=False) -> pd.DataFrame:
    rows = [(n, code, "lead") for n, codes in leads.items() for code in codes]
    rows += [(n, code, "support") for n, codes in supports.items() for code in codes]
    frame = pd.DataFrame(rows, columns=["indicator", "opd_code", "role"])
    return frame.assign(instansi_code="kota-ternate", framework="spbe-2020", confirmed=confirmed)
