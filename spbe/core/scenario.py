"""Value types of the planning pages: an instansi's cost table with per-row provenance, and a saved scenario."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from spbe.core.costs import CostTable
from spbe.core.errors import SpbeError
from spbe.core.framework import load_framework
from spbe.core.provenance import PROVENANCES, Provenance

OWN, ILLUSTRATIVE = Provenance.MANDIRI, Provenance.ILUSTRASI


MAX_NAME_LENGTH = 80
MAX_SCENARIOS = 200  # per instansi; an admin deletes old ones to make room
# Letters (any script), digits, spaces and ordinary punctuation; no markup (< >), no braces.
NAME_PATTERN = re.compile(r"^[\w .,;:()'\"/&+\-–—#%!?]+$")


MAX_NOTE_LENGTH = 2000


class ScenarioError(SpbeError):
    """A cost table or scenario cannot be saved, loaded or deleted (Indonesian message)."""


@dataclass(frozen=True, eq=False)
class InstansiCosts:
    """The cost table an instansi plans with, and where each row came from."""

    instansi_code: str
    table: CostTable
    row_provenance: dict[int, str]
    updated_at: datetime | None = None
    actor: str | None = None

    @property
    def stored(self) -> bool:
        return self.updated_at is not None

    @property
    def own_rows(self) -> int:
        return sum(1 for p in self.row_provenance.values() if p == OWN)

    @property
    def provenance(self) -> str:
        """``mandiri`` when any row is the instansi's own, else ``ilustrasi``."""
        return OWN if self.own_rows else ILLUSTRATIVE

    def mapping(self) -> dict[int, tuple[float, ...]]:
        """``{indicator: step costs}`` (computed once; a fresh dict on every call)."""
        return dict(self._mapping)

    @cached_property
    def _mapping(self) -> dict[int, tuple[float, ...]]:
        return self.table.mapping()

    def caption(self) -> str:
        """One line for under a figure: whose costs, changed by whom and when."""
        total = len(self.row_provenance)
        if not self.own_rows:
            text = (
                "Biaya: Ilustrasi — perkiraan kasar bawaan, bukan anggaran; ganti dengan biaya "
                "instansi sebelum dipakai untuk RKA."
            )
        elif self.own_rows == total:
            text = f"Biaya: Mandiri — semua {total} indikator diisi instansi."
        else:
            text = (
                f"Biaya: Mandiri untuk {self.own_rows} dari {total} indikator; "
                "sisanya masih Ilustrasi."
            )
        if self.stored:
            text += f" Terakhir diubah oleh {self.actor}, {self.updated_at:%d-%m-%Y %H.%M}."
        return text


def costs_snapshot(costs: InstansiCosts) -> dict:
    """The JSON-ready copy of a cost table kept with a scenario."""
    return {
        "provenance": costs.provenance,
        "own_rows": costs.own_rows,
        "note": costs.table.note,
        "actor": costs.actor,
        "updated_at": costs.updated_at.isoformat(timespec="seconds") if costs.stored else None,
        "steps": {str(n): list(v) for n, v in costs.mapping().items()},
    }


@dataclass(frozen=True, eq=False)
class Scenario:
    """A saved what-if: the starting profile, the scenario's profile, costs and plan used."""

    instansi_code: str
    year: int
    framework_id: str
    name: str
    provenance: str  # of the starting profile
    base_levels: dict[int, int]
    levels: dict[int, int]
    note: str = ""
    costs: dict | None = None  # costs_snapshot(...)
    plan: dict | None = None  # spbe.planning.session.plan_record(...)
    id: int | None = None
    created_at: datetime | None = None
    actor: str | None = None

    def __post_init__(self):
        name = " ".join(str(self.name).split())
        if not name:
            raise ScenarioError("Nama skenario wajib diisi.")
        if not NAME_PATTERN.match(name):
            raise ScenarioError(
                "Nama skenario hanya boleh berisi huruf, angka, spasi dan tanda baca biasa "
                "(tanpa < > { } atau tanda khusus lain)."
            )
        if len(name) > MAX_NAME_LENGTH:
            raise ScenarioError(
                f"Nama skenario terlalu panjang (maksimal {MAX_NAME_LENGTH} huruf)."
            )
        if len(self.note or "") > MAX_NOTE_LENGTH:
            raise ScenarioError(f"Catatan terlalu panjang (maksimal {MAX_NOTE_LENGTH} huruf).")
        if self.provenance not in PROVENANCES:
            raise ScenarioError(f"Asal profil '{self.provenance}' tidak dikenal.")
        fw = load_framework(self.framework_id)
        for what, levels in (("profil awal", self.base_levels), ("profil skenario", self.levels)):
            if set(levels) != set(fw.indicator_numbers) or any(
                not fw.min_level <= int(v) <= fw.max_level for v in levels.values()
            ):
                raise ScenarioError(
                    f"Skenario '{name}': {what} tidak lengkap atau tingkatnya di luar "
                    f"{fw.min_level}–{fw.max_level}."
                )
        object.__setattr__(self, "name", name)

    def cost_mapping(self) -> dict[int, tuple[float, ...]] | None:
        if not self.costs:
            return None
        return {int(n): tuple(float(x) for x in v) for n, v in self.costs["steps"].items()}
