"""Evaluation frameworks as data: structure, weights, bands and level names.

A framework is read from ``data/frameworks/<id>.toml`` and validated when loaded. Nothing in the
code knows a weight or a band: a new regulation is a new file plus a line in ``registry.toml``.

Weights are kept as exact decimals and also as integers scaled by ``weight_scale`` (the smallest
power of ten that makes every weight whole), so an index can be computed exactly as
``sum(level * weight_int) / (100 * weight_scale)`` and compared with band bounds without floats.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path

from spbe.core.errors import SpbeError
from spbe.core.paths import FRAMEWORKS_DIR

REGISTRY_FILE = "registry.toml"
INDICATOR_PREFIX = "Tingkat Kematangan "


class FrameworkError(SpbeError):
    """A framework file is missing or inconsistent, or no framework covers a year."""

    EXIT_CODE = 1


@dataclass(frozen=True)
class Band:
    name: str
    lower: Decimal  # inclusive lower bound of the index


@dataclass(frozen=True)
class Domain:
    number: int
    name: str
    weight: Decimal


@dataclass(frozen=True)
class Aspect:
    number: int
    name: str
    weight: Decimal
    domain: int | None


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    weight: Decimal
    aspect: int
    scale: str
    short: str = ""  # a few words for charts and tables ("Tata Kelola Data"); from the file

    @property
    def short_name(self) -> str:
        return self.name.removeprefix(INDICATOR_PREFIX)

    @property
    def label(self) -> str:
        """'32 · Layanan Perencanaan': the number and the short name, for charts and tables."""
        return f"{self.number} · {self.short or self.short_name}"


@dataclass(frozen=True)
class Scale:
    key: str
    label: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    regulation: str
    short_regulation: str
    first_year: int
    last_year: int
    secondary_source: bool
    source_note: str
    min_level: int
    max_level: int
    bands: tuple[Band, ...]
    scales: tuple[Scale, ...]
    domains: tuple[Domain, ...]
    aspects: tuple[Aspect, ...]
    indicators: tuple[Indicator, ...]

    # -- derived views -------------------------------------------------------------------------
    @property
    def has_domains(self) -> bool:
        return bool(self.domains)

    @property
    def indicator_numbers(self) -> tuple[int, ...]:
        return tuple(i.number for i in self.indicators)

    @cached_property
    def weight_scale(self) -> int:
        """Smallest power of ten that turns every indicator weight into an integer."""
        places = max(max(0, -w.weight.normalize().as_tuple().exponent) for w in self.indicators)
        return 10**places

    @cached_property
    def index_denominator(self) -> int:
        """sum(level * weight_int) / index_denominator is the index."""
        return 100 * self.weight_scale

    def weight_int(self, indicator: int) -> int:
        return int(self.indicator(indicator).weight * self.weight_scale)

    def band_lowers_scaled(self) -> tuple[int, ...]:
        """Band lower bounds on the scaled integer axis of ``sum(level * weight_int)``."""
        return tuple(int(b.lower * self.index_denominator) for b in self.bands)

    @cached_property
    def _indicator_by_number(self) -> dict[int, Indicator]:
        return {ind.number: ind for ind in self.indicators}

    def indicator(self, number: int) -> Indicator:
        ind = self._indicator_by_number.get(number)
        if ind is not None:
            return ind
        raise FrameworkError(f"Indikator {number} tidak ada dalam kerangka {self.id}.")

    def aspect(self, number: int) -> Aspect:
        for asp in self.aspects:
            if asp.number == number:
                return asp
        raise FrameworkError(f"Aspek {number} tidak ada dalam kerangka {self.id}.")

    def domain(self, number: int) -> Domain:
        for dom in self.domains:
            if dom.number == number:
                return dom
        raise FrameworkError(f"Domain {number} tidak ada dalam kerangka {self.id}.")

    def indicators_of_aspect(self, aspect: int) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.aspect == aspect)

    def aspects_of_domain(self, domain: int) -> tuple[Aspect, ...]:
        return tuple(a for a in self.aspects if a.domain == domain)

    def domain_of_indicator(self, indicator: int) -> int | None:
        return self.aspect(self.indicator(indicator).aspect).domain

    def scale(self, key: str) -> Scale:
        for sc in self.scales:
            if sc.key == key:
                return sc
        raise FrameworkError(f"Skala {key} tidak ada dalam kerangka {self.id}.")

    def level_name(self, indicator: int, level: int) -> str:
        scale = self.scale(self.indicator(indicator).scale)
        return scale.levels[level - self.min_level]

    def band(self, name: str) -> Band:
        for b in self.bands:
            if b.name.casefold() == name.strip().casefold():
                return b
        known = ", ".join(b.name for b in self.bands)
        raise FrameworkError(
            f"Predikat '{name}' tidak dikenal dalam {self.id} (yang ada: {known})."
        )

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


# -- loading ------------------------------------------------------------------------------------


def _decimal(value: object, where: str, path: Path) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise FrameworkError(f"{path.name}: {where} bukan angka: {value!r}") from None
    if not result.is_finite():
        raise FrameworkError(f"{path.name}: {where} bukan angka: {value!r}")
    return result


def _required(table: dict, key: str, where: str, path: Path):
    if key not in table:
        raise FrameworkError(f"{path.name}: {where} tidak memiliki kolom '{key}'.")
    return table[key]


def _parse(raw: dict, path: Path) -> Framework:
    def req(table, key, where):
        return _required(table, key, where, path)

    bands = tuple(
        Band(
            str(req(b, "name", f"bands[{n}]")),
            _decimal(req(b, "lower", f"bands[{n}]"), "lower", path),
        )
        for n, b in enumerate(raw.get("bands", []))
    )
    scales = tuple(
        Scale(
            key, str(s.get("label", key)), tuple(str(x) for x in req(s, "levels", f"scales.{key}"))
        )
        for key, s in raw.get("scales", {}).items()
    )
    domains = tuple(
        Domain(
            int(req(d, "number", "domains")),
            str(req(d, "name", "domains")),
            _decimal(req(d, "weight", "domains"), f"bobot domain {d.get('number')}", path),
        )
        for d in raw.get("domains", [])
    )
    aspects = tuple(
        Aspect(
            int(req(a, "number", "aspects")),
            str(req(a, "name", "aspects")),
            _decimal(req(a, "weight", "aspects"), f"bobot aspek {a.get('number')}", path),
            int(a["domain"]) if "domain" in a else None,
        )
        for a in raw.get("aspects", [])
    )
    indicators = tuple(
        Indicator(
            int(req(i, "number", "indicators")),
            str(req(i, "name", "indicators")),
            _decimal(req(i, "weight", "indicators"), f"bobot indikator {i.get('number')}", path),
            int(req(i, "aspect", f"indikator {i.get('number')}")),
            str(req(i, "scale", f"indikator {i.get('number')}")),
            str(i.get("short", "")),
        )
        for i in raw.get("indicators", [])
    )
    years = req(raw, "years", "kerangka")
    return Framework(
        id=str(req(raw, "id", "kerangka")),
        name=str(req(raw, "name", "kerangka")),
        regulation=str(req(raw, "regulation", "kerangka")),
        short_regulation=str(raw.get("short_regulation", raw["regulation"])),
        first_year=int(years[0]),
        last_year=int(years[1]),
        secondary_source=bool(req(raw, "secondary_source", "kerangka")),
        source_note=str(raw.get("source_note", "")),
        min_level=int(raw.get("min_level", 1)),
        max_level=int(raw.get("max_level", 5)),
        bands=bands,
        scales=scales,
        domains=domains,
        aspects=aspects,
        indicators=indicators,
    )


def _duplicates(numbers) -> list[int]:
    seen, dup = set(), []
    for n in numbers:
        if n in seen:
            dup.append(n)
        seen.add(n)
    return dup


def validate(fw: Framework, path: Path) -> None:
    """Raise FrameworkError naming the file and the first inconsistency found."""

    def fail(problem: str):
        raise FrameworkError(f"Kerangka {path.name} tidak valid: {problem}")

    if not fw.indicators:
        fail("tidak ada indikator.")
    if not fw.aspects:
        fail("tidak ada aspek.")
    for kind, items in (
        ("indikator", fw.indicators),
        ("aspek", fw.aspects),
        ("domain", fw.domains),
    ):
        dup = _duplicates(x.number for x in items)
        if dup:
            fail(f"nomor {kind} {dup[0]} muncul lebih dari sekali.")
    aspect_numbers = {a.number for a in fw.aspects}
    domain_numbers = {d.number for d in fw.domains}
    scale_keys = {s.key for s in fw.scales}
    n_levels = fw.max_level - fw.min_level + 1
    if fw.min_level < 1 or n_levels < 2:
        fail(f"rentang tingkat {fw.min_level}-{fw.max_level} tidak masuk akal.")
    for s in fw.scales:
        if len(s.levels) != n_levels:
            fail(f"skala '{s.key}' memiliki {len(s.levels)} nama tingkat, seharusnya {n_levels}.")
    for ind in fw.indicators:
        if ind.aspect not in aspect_numbers:
            fail(f"indikator {ind.number} merujuk aspek {ind.aspect} yang tidak ada.")
        if ind.scale not in scale_keys:
            fail(f"indikator {ind.number} merujuk skala '{ind.scale}' yang tidak ada.")
        if ind.weight <= 0:
            fail(f"bobot indikator {ind.number} harus positif.")
    total = sum(i.weight for i in fw.indicators)
    if total != 100:
        fail(f"jumlah bobot indikator {total}, seharusnya 100.")
    for asp in fw.aspects:
        members = fw.indicators_of_aspect(asp.number)
        if not members:
            fail(f"aspek {asp.number} tidak memiliki indikator.")
        if sum(i.weight for i in members) != asp.weight:
            fail(
                f"bobot aspek {asp.number} ({asp.weight}) tidak sama dengan jumlah bobot "
                f"indikatornya ({sum(i.weight for i in members)})."
            )
    if fw.domains:
        for asp in fw.aspects:
            if asp.domain not in domain_numbers:
                fail(f"aspek {asp.number} tidak berada dalam satu domain yang ada.")
        for dom in fw.domains:
            members = fw.aspects_of_domain(dom.number)
            if not members:
                fail(f"domain {dom.number} tidak memiliki aspek.")
            if sum(a.weight for a in members) != dom.weight:
                fail(f"bobot domain {dom.number} tidak sama dengan jumlah bobot aspeknya.")
    elif any(a.domain is not None for a in fw.aspects):
        fail("aspek merujuk domain, tetapi kerangka tidak mendefinisikan domain.")
    if not fw.bands:
        fail("tidak ada predikat.")
    if fw.bands[0].lower != fw.min_level:
        fail(f"predikat pertama harus mulai dari {fw.min_level} (tertulis {fw.bands[0].lower}).")
    for prev, nxt in zip(fw.bands, fw.bands[1:]):
        if not prev.lower < nxt.lower:
            fail(f"predikat '{nxt.name}' tidak bersambung naik setelah '{prev.name}'.")
    if fw.bands[-1].lower > fw.max_level:
        fail(f"predikat '{fw.bands[-1].name}' dimulai di atas tingkat maksimum.")
    if len({b.name for b in fw.bands}) != len(fw.bands):
        fail("nama predikat ganda.")
    if fw.first_year > fw.last_year:
        fail("rentang tahun terbalik.")


def load_framework_file(path: Path) -> Framework:
    """Read and validate one framework file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FrameworkError(f"Berkas kerangka {path} tidak ditemukan.") from None
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"Berkas kerangka {path.name} tidak dapat dibaca: {exc}") from None
    try:
        fw = _parse(raw, path)
    except (TypeError, ValueError, IndexError, KeyError) as exc:
        if isinstance(exc, FrameworkError):
            raise
        raise FrameworkError(f"Kerangka {path.name} tidak valid: {exc}") from None
    validate(fw, path)
    return fw


@cache
def _registry(directory: Path) -> tuple[dict, ...]:
    path = directory / REGISTRY_FILE
    try:
        return tuple(tomllib.loads(path.read_text(encoding="utf-8"))["instruments"])
    except (FileNotFoundError, KeyError, tomllib.TOMLDecodeError) as exc:
        raise FrameworkError(f"Daftar kerangka {path} tidak dapat dibaca: {exc}") from None


@cache
def _load_cached(framework_id: str, directory: Path) -> Framework:
    for entry in _registry(directory):
        if entry["id"] == framework_id:
            if "file" not in entry:
                raise FrameworkError(entry.get("note", f"Kerangka {framework_id} tidak dimuat."))
            fw = load_framework_file(directory / entry["file"])
            if fw.id != framework_id:
                raise FrameworkError(
                    f"Kerangka {entry['file']} tidak valid: id '{fw.id}', "
                    f"seharusnya '{framework_id}'."
                )
            return fw
    known = ", ".join(list_frameworks(directory))
    raise FrameworkError(f"Kerangka '{framework_id}' tidak dikenal (yang tersedia: {known}).")


def load_framework(framework_id: str, directory: Path = FRAMEWORKS_DIR) -> Framework:
    """The framework with this id, e.g. ``"spbe-2020"`` or ``"pemdi-2026"`` (cached, immutable)."""
    return _load_cached(framework_id, Path(directory))


def list_frameworks(directory: Path = FRAMEWORKS_DIR) -> list[str]:
    """Ids of the frameworks this project carries, in registry order."""
    return [e["id"] for e in _registry(Path(directory)) if "file" in e]


def latest_assessable_year(today: date | None = None) -> int:
    """The last year an evaluation can be recorded for: next year (a cycle being prepared).

    Open-ended instruments (``years = [2026, 9999]``) end here, so a typo such as 2204 is refused.
    """
    return (today or date.today()).year + 1


def framework_for_year(
    year: int, directory: Path = FRAMEWORKS_DIR, today: date | None = None
) -> Framework:
    """The framework that scores evaluations of ``year`` (at most ``latest_assessable_year``)."""
    directory = Path(directory)
    latest = latest_assessable_year(today)
    if year > latest:
        raise FrameworkError(
            f"Tahun {year} belum dapat dinilai: tahun evaluasi paling lambat {latest}."
        )
    for entry in _registry(directory):
        if "file" in entry:
            fw = load_framework(entry["id"], directory)
            if fw.covers(year):
                return fw
        else:
            first, last = entry["years"]
            if first <= year <= last:
                raise FrameworkError(f"Tahun {year}: {entry['note']}")
    raise FrameworkError(f"Tidak ada kerangka evaluasi SPBE untuk tahun {year}.")
