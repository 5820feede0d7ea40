"""The evaluation cycle as it is lived: which years an instansi has anything for, its
self-assessment (penilaian mandiri) recomputed from stored levels beside the official result, and
the gap between the two — where the assessors disagreed, in index points, and who owns it.

Pure functions over the store's frames (official results, indicator levels, level profiles, OPD
ownership); inputs are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import pandas as pd

from spbe.core.errors import SpbeError
from spbe.core.formatting import format_index, round_half_up
from spbe.core.framework import Framework, FrameworkError, framework_for_year, load_framework
from spbe.core.provenance import FINAL, PROVISIONAL, Provenance, provenance_label
from spbe.core.scoring import predicate as score_predicate
from spbe.core.scoring import score_profile
from spbe.results.published import is_present

SELF_LABEL = "Mandiri — sementara"
UNPUBLISHED_LABEL = "Resmi (belum dipublikasikan)"


def _rows(frame: pd.DataFrame, instansi_code: str, year=None, **equal) -> pd.DataFrame:
    """The rows of one instansi (and year, and columns equal to the given values)."""
    keep = frame["instansi_code"] == instansi_code
    if year is not None:
        keep &= frame["year"] == year
    for column, value in equal.items():
        keep &= frame[column] == value
    return frame[keep]


@dataclass(frozen=True)
class YearOption:
    """A year that has data for the instansi, and the instrument that scores it."""

    year: int
    framework_id: str | None
    instrument: str  # "PermenPANRB 59/2020" or "PermenPANRB 8/2026 (sumber sekunder)"
    what: tuple[str, ...]  # "hasil resmi", "penilaian mandiri", "tingkat indikator"

    @property
    def label(self) -> str:
        return f"{self.year} · {self.instrument}"


def _instrument(framework_id: str | None, year: int) -> tuple[str | None, str]:
    try:
        fw = load_framework(framework_id) if framework_id else framework_for_year(year)
    except FrameworkError:
        return framework_id, "instrumen lama (tidak dimuat)"
    text = fw.short_regulation + (" (sumber sekunder)" if fw.secondary_source else "")
    return fw.id, text


def available_years(
    official: pd.DataFrame, profiles: pd.DataFrame, instansi_code: str
) -> list[YearOption]:
    """Every year with an official result, a self-assessment or stored levels, newest first."""
    found: dict[int, dict] = {}
    mine = official[official["instansi_code"] == instansi_code]
    for row in mine.itertuples(index=False):
        entry = found.setdefault(int(row.year), {"framework": row.framework, "what": []})
        entry["what"].append("hasil resmi" if row.status == FINAL else "penilaian mandiri")
    levels = profiles[profiles["instansi_code"] == instansi_code]
    published = {int(y) for y in mine.loc[mine["status"] == FINAL, "year"]}
    for row in levels.itertuples(index=False):
        entry = found.setdefault(int(row.year), {"framework": row.framework, "what": []})
        entry["framework"] = entry["framework"] or row.framework
        what = "tingkat indikator"
        if row.provenance == Provenance.MANDIRI:
            what = "penilaian mandiri"
        elif row.provenance == Provenance.RESMI and int(row.year) not in published:
            what = "tingkat resmi (belum dipublikasikan)"
        if what not in entry["what"]:
            entry["what"].append(what)
    options = []
    for year in sorted(found, reverse=True):
        framework_id, instrument = _instrument(found[year]["framework"], year)
        options.append(YearOption(year, framework_id, instrument, tuple(found[year]["what"])))
    return options


@dataclass(frozen=True)
class SelfAssessment:
    """An index recomputed from stored ``mandiri`` levels: provisional, never official."""

    instansi_code: str
    year: int
    framework: Framework
    levels: dict[int, int]
    index: float  # unrounded
    predicate: str
    domains: dict[int, float]
    aspects: dict[int, float]
    last_import: datetime | None
    submitted: int = 0  # indicators with a stored mandiri level (all of them when complete)
    carried_from: str | None = None  # "2024 · Rekonstruksi": where the missing levels came from
    provenance: str = Provenance.MANDIRI  # resmi: official levels not published by KemenPANRB yet

    @property
    def complete(self) -> bool:
        return self.carried_from is None

    @property
    def label(self) -> str:
        return SELF_LABEL if self.provenance == Provenance.MANDIRI else UNPUBLISHED_LABEL

    @property
    def index_text(self) -> str:
        return format_index(self.index)


CARRY_PREFERENCE = (Provenance.RESMI, Provenance.REKONSTRUKSI, Provenance.MANDIRI)


def carried_profile(
    levels: pd.DataFrame, instansi_code: str, year: int, fw: Framework
) -> tuple[dict[int, int], str] | None:
    """The latest complete profile of an earlier year under the same framework (official levels
    first, then reconstructed, then a self-assessment), and its label ("2024 · Rekonstruksi")."""
    mine = levels[
        (levels["instansi_code"] == instansi_code)
        & (levels["year"] < year)
        & (levels["framework"] == fw.id)
    ]
    wanted = set(fw.indicator_numbers)
    for earlier in sorted({int(y) for y in mine["year"]}, reverse=True):
        for provenance in CARRY_PREFERENCE:
            rows = mine[(mine["year"] == earlier) & (mine["provenance"] == provenance)]
            found = {int(i): int(v) for i, v in zip(rows["indicator"], rows["level"])}
            if set(found) == wanted:
                return found, f"{earlier} · {provenance_label(provenance)}"
    return None


def self_assessment(
    levels: pd.DataFrame,
    profiles: pd.DataFrame,
    instansi_code: str,
    year: int,
    fill: bool = False,
) -> SelfAssessment | None:
    """The recomputed self-assessment of that year, or None when no complete profile is stored.

    With ``fill``, a self-assessment still being collected (some OPDs have not sent their part)
    is completed with the levels of the latest complete earlier profile (``carried_profile``) and
    says so (``submitted``, ``carried_from``); None when there is no earlier profile either."""
    rows = _rows(levels, instansi_code, year, provenance=Provenance.MANDIRI)
    if rows.empty:
        return None
    fw = load_framework(str(rows["framework"].iloc[-1]))
    rows = rows[rows["framework"] == fw.id]
    profile = {int(i): int(v) for i, v in zip(rows["indicator"], rows["level"])}
    submitted, carried_from = len(profile), None
    if set(profile) != set(fw.indicator_numbers):
        carried = carried_profile(levels, instansi_code, year, fw) if fill else None
        if carried is None:
            return None
        profile, carried_from = {**carried[0], **profile}, carried[1]
    assessed = _scored(profiles, instansi_code, year, fw, profile, Provenance.MANDIRI)
    return replace(assessed, submitted=submitted, carried_from=carried_from)


def _scored(profiles, instansi_code, year, fw, profile, provenance) -> SelfAssessment:
    scored = score_profile(profile, fw)
    mine = _rows(profiles, instansi_code, year, provenance=provenance)
    last = mine["last_import"].max() if "last_import" in mine and len(mine) else None
    return SelfAssessment(
        instansi_code=instansi_code,
        year=int(year),
        framework=fw,
        levels=profile,
        index=float(scored["index"]),
        predicate=str(scored["predicate"]),
        domains={d.number: float(scored[f"domain_{d.number}"]) for d in fw.domains},
        aspects={a.number: float(scored[f"aspect_{a.number}"]) for a in fw.aspects},
        last_import=None if last is None or pd.isna(last) else pd.Timestamp(last).to_pydatetime(),
        submitted=len(profile),
        provenance=provenance,
    )


def unpublished_official(
    official: pd.DataFrame,
    levels: pd.DataFrame,
    profiles: pd.DataFrame,
    instansi_code: str,
    year: int,
) -> SelfAssessment | None:
    """The index recomputed from complete ``resmi`` levels of a year KemenPANRB has not
    published yet (labelled "Resmi (belum dipublikasikan)"); None otherwise."""
    if len(_rows(official, instansi_code, year, status=FINAL)):
        return None
    rows = _rows(levels, instansi_code, year, provenance=Provenance.RESMI)
    if rows.empty:
        return None
    fw = load_framework(str(rows["framework"].iloc[-1]))
    rows = rows[rows["framework"] == fw.id]
    profile = {int(i): int(v) for i, v in zip(rows["indicator"], rows["level"])}
    if set(profile) != set(fw.indicator_numbers):
        return None
    return _scored(profiles, instansi_code, year, fw, profile, Provenance.RESMI)


def incomplete_self_assessment(
    profiles: pd.DataFrame, instansi_code: str, year: int
) -> tuple[int, int] | None:
    """(indicators stored, indicators expected) when a mandiri profile is stored but incomplete."""
    mine = _rows(profiles, instansi_code, year, provenance=Provenance.MANDIRI)
    if mine.empty:
        return None
    fw = load_framework(str(mine["framework"].iloc[-1]))
    stored = int(mine["n_indicators"].sum())
    return (stored, len(fw.indicators)) if stored < len(fw.indicators) else None


def news_figure(official: pd.DataFrame, instansi_code: str, year: int) -> pd.Series | None:
    """A provisional figure from outside the store's levels (e.g. a news item), if any."""
    rows = _rows(official, instansi_code, year, status=PROVISIONAL)
    return rows.iloc[0] if len(rows) else None


def self_assessment_note(assessed: SelfAssessment, news: pd.Series | None) -> str:
    """Where the self-assessment figure comes from, and why a news figure is not used (or, for a
    self-assessment still being collected, why it is shown beside the news figure)."""
    when = f" (impor terakhir {assessed.last_import:%d-%m-%Y})" if assessed.last_import else ""
    if not assessed.complete:
        total = len(assessed.framework.indicators)
        text = (
            f"Sementara: {assessed.submitted} dari {total} indikator dari isian OPD yang "
            f"tersimpan{when}; {total - assessed.submitted} indikator yang belum masuk memakai "
            f"tingkat {assessed.carried_from}. Belum diverifikasi asesor KemenPANRB."
        )
        if news is not None:
            text += (
                f" Angka {format_index(news['index_value'])} dari sumber lain "
                f"({news['source']}) tetap ditampilkan karena isian OPD belum lengkap."
            )
        return text
    text = (
        f"Dihitung dari {len(assessed.levels)} tingkat indikator penilaian mandiri yang "
        f"tersimpan{when}; belum diverifikasi asesor KemenPANRB."
    )
    if news is not None:
        text += (
            f" Angka {format_index(news['index_value'])} dari sumber lain "
            f"({news['source']}) tidak dipakai: tingkat indikator yang tersimpan lebih rinci."
        )
    return text


# -- self-assessment against verification ------------------------------------------------------


GAP_COLUMNS = ("level", "number", "name", "self", "official", "difference", "index_points", "opd")


def gap_table(
    assessed: SelfAssessment,
    official_row: pd.Series | None,
    official_levels: dict[int, int] | None,
    leads: dict[int, str] | None = None,
) -> pd.DataFrame:
    """Self-assessment minus verified result per domain (and aspect and indicator where the
    official levels are known): ``difference`` on the item's own scale, ``index_points`` = its
    effect on the index (difference × weight / 100; negative where the assessors gave less),
    ``opd`` the lead OPD(s) of the indicators concerned."""
    fw = assessed.framework
    leads = leads or {}
    rows = []
    official_scored = score_profile(official_levels, fw) if official_levels else None
    for dom in fw.domains:
        if official_scored is not None:
            verified = float(official_scored[f"domain_{dom.number}"])
        elif official_row is not None and is_present(official_row.get(f"domain_{dom.number}")):
            verified = float(official_row[f"domain_{dom.number}"])
        else:
            continue
        diff = verified - assessed.domains[dom.number]
        owners = sorted(
            {
                leads.get(i, "")
                for i in fw.indicator_numbers
                if fw.domain_of_indicator(i) == dom.number
            }
            - {""}
        )
        rows.append(
            (
                "domain",
                dom.number,
                dom.name,
                assessed.domains[dom.number],
                verified,
                diff,
                diff * float(dom.weight) / 100,
                ", ".join(owners),
            )
        )
    if official_scored is not None:
        for asp in fw.aspects:
            verified = float(official_scored[f"aspect_{asp.number}"])
            diff = verified - assessed.aspects[asp.number]
            rows.append(
                (
                    "aspek",
                    asp.number,
                    asp.name,
                    assessed.aspects[asp.number],
                    verified,
                    diff,
                    diff * float(asp.weight) / 100,
                    "",
                )
            )
        for number in fw.indicator_numbers:
            ind = fw.indicator(number)
            mine, theirs = assessed.levels[number], official_levels[number]
            diff = theirs - mine
            rows.append(
                (
                    "indikator",
                    number,
                    ind.name,
                    float(mine),
                    float(theirs),
                    float(diff),
                    diff * float(ind.weight) / 100,
                    leads.get(number, ""),
                )
            )
    if not rows:
        raise SpbeError(
            f"Belum ada hasil resmi (nilai domain atau tingkat indikator) untuk {assessed.year} "
            "yang dapat dibandingkan dengan penilaian mandiri."
        )
    return pd.DataFrame(rows, columns=list(GAP_COLUMNS))


TRACK_COLUMNS = (
    "year",
    "self_index",
    "self_predicate",
    "official_index",
    "official_predicate",
    "difference",
    "last_import",
    "source",
)


def track_table(
    official: pd.DataFrame, levels: pd.DataFrame, profiles: pd.DataFrame, instansi_code: str
) -> pd.DataFrame:
    """Per year with a self-assessment: the recomputed index and predicate beside the official
    ones (NaN where not published yet), newest first. A year with only a figure from another
    source (a news item) is listed too, with that source; stored levels win where both exist."""
    rows = []
    years = _rows(profiles, instansi_code, provenance=Provenance.MANDIRI)["year"]
    news_years = _rows(official, instansi_code, status=PROVISIONAL)["year"]
    for year in sorted({int(y) for y in (*years, *news_years)}, reverse=True):
        assessed = self_assessment(levels, profiles, instansi_code, year)
        news = news_figure(official, instansi_code, year)
        if assessed is not None:
            index, predicate, last = assessed.index, assessed.predicate, assessed.last_import
            source = "tingkat indikator tersimpan"
        elif news is not None:
            index, last = float(news["index_value"]), None
            published = news.get("predicate")
            predicate = str(published) if is_present(published) else _band(news, year, index)
            source = f"sumber lain: {news['source']}"
        else:
            continue
        final = _rows(official, instansi_code, year, status=FINAL)
        official_index = float(final["index_value"].iloc[0]) if len(final) else float("nan")
        official_predicate = str(final["predicate"].iloc[0]) if len(final) else ""
        rows.append(
            {
                "year": year,
                "self_index": index,
                "self_predicate": predicate,
                "official_index": official_index,
                "official_predicate": official_predicate,
                "difference": official_index - index,
                "last_import": last,
                "source": source,
            }
        )
    return pd.DataFrame(rows, columns=list(TRACK_COLUMNS))


def _band(row: pd.Series, year: int, index: float) -> str:
    """The predicate of a figure published without one, from its instrument's bands."""
    try:
        framework_id = row.get("framework")
        fw = load_framework(str(framework_id)) if is_present(framework_id) else None
        fw = fw or framework_for_year(int(year))
    except FrameworkError:
        return ""
    return score_predicate(index, fw)


def with_self_assessment(
    official: pd.DataFrame, levels: pd.DataFrame, instansi_code: str, year: int
) -> pd.DataFrame:
    """The results, plus a provisional row for a year that has only a stored self-assessment
    (e.g. a 2026 Indeks Pemdi penilaian mandiri), so the story can be told for it."""
    if len(official[(official["instansi_code"] == instansi_code) & (official["year"] == year)]):
        return official
    mine = levels[levels["instansi_code"] == instansi_code]
    profiles = mine.groupby(["instansi_code", "year", "framework", "provenance"]).size()
    profiles = profiles.rename("n_indicators").reset_index().assign(last_import=pd.NaT)
    assessed = self_assessment(mine, profiles, instansi_code, year)
    if assessed is None:
        return official
    known = official[official["instansi_code"] == instansi_code]
    if known.empty:
        return official
    base = known.iloc[-1]
    row = {column: None for column in official.columns}
    row.update(
        instansi_code=instansi_code,
        instansi_name=base["instansi_name"],
        kind=base["kind"],
        province=base["province"],
        year=year,
        framework=assessed.framework.id,
        index_value=round_half_up(assessed.index, 2),
        status=PROVISIONAL,
        source=f"Penilaian mandiri {year}, dihitung dari tingkat indikator tersimpan",
    )
    for number, value in assessed.domains.items():
        row[f"domain_{number}"] = round_half_up(value, 2)
    return pd.concat([official, pd.DataFrame([row])], ignore_index=True)
