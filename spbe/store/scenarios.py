"""SQL for the planner's cost tables (per instansi) and for saved scenarios (schema version 3).

Every statement binds its values with ``?``; every write runs inside ``store.transaction`` (one
``BEGIN … COMMIT``), so a failed save leaves nothing behind. Writes of cost tables and deletions of
scenarios need an actor (the admin's name); saving a scenario is open to everyone (actor
``GUEST`` when nobody is logged in).

Cost rows carry their own provenance: ``mandiri`` once the instansi gave the figure (imported, or
edited away from what was there), ``ilustrasi`` while it is still the illustrative default. An
instansi without stored rows uses ``spbe.core.costs.default_costs`` (all ``ilustrasi``)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import pandas as pd

from spbe.core.costs import (
    CostTable,
    costs_frame,
    costs_mapping,
    default_costs,
    step_columns,
    validate_costs,
)
from spbe.core.framework import Framework
from spbe.core.scenario import (
    ILLUSTRATIVE,
    MAX_SCENARIOS,
    OWN,
    InstansiCosts,
    Scenario,
    ScenarioError,
)
from spbe.store.db import transaction

GUEST = "tamu"


COST_SQL_COLUMNS = ("cost_1_2", "cost_2_3", "cost_3_4", "cost_4_5")


MAX_COST = Decimal("9999999999999999.99")  # DECIMAL(18, 2)


def load_costs(con, instansi_code: str, framework: Framework) -> InstansiCosts:
    """The stored cost table of an instansi, completed with the defaults where rows are missing."""
    return _load_costs(con.cursor(), instansi_code, framework)


def _load_costs(cur, instansi_code: str, framework: Framework) -> InstansiCosts:
    default = default_costs(framework)
    rows = cur.execute(
        f"""SELECT indicator, {", ".join(f"CAST({c} AS DOUBLE)" for c in COST_SQL_COLUMNS)},
                   provenance, note, updated_at, actor
            FROM cost_table WHERE instansi_code = ? AND framework = ?
            ORDER BY indicator""",
        [instansi_code, framework.id],
    ).fetchall()
    if not rows:
        provenance = dict.fromkeys(framework.indicator_numbers, ILLUSTRATIVE)
        return InstansiCosts(instansi_code, default, provenance)
    steps = step_columns(framework)
    n_steps = len(steps)
    stored = {int(r[0]): (r[1 : 1 + n_steps], r[5]) for r in rows if int(r[0]) in default.mapping()}
    mapping = default.mapping()
    provenance = dict.fromkeys(framework.indicator_numbers, ILLUSTRATIVE)
    for indicator, (values, prov) in stored.items():
        mapping[indicator] = tuple(float(v) for v in values)
        provenance[indicator] = prov
    latest = max(rows, key=lambda r: r[7])
    frame = costs_frame({n: mapping[n] for n in framework.indicator_numbers}, framework)
    table = CostTable(
        framework.id,
        frame,
        OWN if OWN in provenance.values() else ILLUSTRATIVE,
        latest[6] or default.note,
    )
    return InstansiCosts(instansi_code, table, provenance, latest[7], latest[8])


def save_costs(
    con,
    instansi_code: str,
    framework: Framework,
    frame: pd.DataFrame,
    *,
    actor: str,
    note: str | None = None,
    imported: bool = False,
) -> InstansiCosts:
    """Validate and store a whole cost table (all indicators), in one transaction.

    Provenance per row: an import makes every row ``mandiri``; an edit makes ``mandiri`` the rows
    whose figures changed and keeps the others as they were. Raises CostError (invalid table) or
    ScenarioError (no actor, amounts too large for the store).
    """
    _need_actor(actor, "mengubah tabel biaya")
    if len(step_columns(framework)) != len(COST_SQL_COLUMNS):
        raise ScenarioError(
            f"Kerangka {framework.id} memiliki {len(step_columns(framework))} langkah tingkat; "
            f"tabel biaya menyimpan {len(COST_SQL_COLUMNS)}."
        )
    clean = costs_mapping(validate_costs(frame, framework))
    too_large = [
        n for n, values in clean.items() if any(Decimal(repr(v)) > MAX_COST for v in values)
    ]
    if too_large:
        raise ScenarioError(
            f"Biaya indikator {too_large[0]} terlalu besar untuk disimpan (batas Rp 9.999 triliun)."
        )
    now = datetime.now()
    with transaction(con) as cur:
        current = _load_costs(cur, instansi_code, framework)
        before = current.mapping()
        rows = []
        for n, values in clean.items():
            changed = imported or not all(
                math.isclose(a, b, rel_tol=0, abs_tol=0.005) for a, b in zip(values, before[n])
            )
            provenance = OWN if changed else current.row_provenance[n]
            rows.append([instansi_code, framework.id, n, *values, provenance, note, now, actor])
        cur.executemany(
            f"""INSERT INTO cost_table (instansi_code, framework, indicator,
                       {", ".join(COST_SQL_COLUMNS)}, provenance, note, updated_at, actor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (instansi_code, framework, indicator) DO UPDATE SET
                    {", ".join(f"{c} = excluded.{c}" for c in COST_SQL_COLUMNS)},
                    provenance = excluded.provenance, note = excluded.note,
                    updated_at = excluded.updated_at, actor = excluded.actor""",
            rows,
        )
        return _load_costs(cur, instansi_code, framework)


def reset_costs(con, instansi_code: str, framework: Framework, *, actor: str) -> int:
    """Forget the stored cost table (back to the illustrative defaults); returns rows deleted."""
    _need_actor(actor, "mengembalikan tabel biaya")
    with transaction(con) as cur:
        count = cur.execute(
            "SELECT count(*) FROM cost_table WHERE instansi_code = ? AND framework = ?",
            [instansi_code, framework.id],
        ).fetchone()[0]
        cur.execute(
            "DELETE FROM cost_table WHERE instansi_code = ? AND framework = ?",
            [instansi_code, framework.id],
        )
    return int(count)


def save_scenario(con, scenario: Scenario, *, actor: str | None = None) -> int:
    """Store a new scenario; returns its id. Names are unique per instansi (case-insensitive)."""
    actor = (actor or "").strip() or GUEST
    with transaction(con) as cur:
        taken = cur.execute(
            "SELECT count(*) FROM scenario WHERE instansi_code = ? AND lower(name) = lower(?)",
            [scenario.instansi_code, scenario.name],
        ).fetchone()[0]
        stored = cur.execute(
            "SELECT count(*) FROM scenario WHERE instansi_code = ?", [scenario.instansi_code]
        ).fetchone()[0]
        if stored >= MAX_SCENARIOS:
            raise ScenarioError(
                f"Sudah ada {MAX_SCENARIOS} skenario untuk instansi ini (batasnya). Minta admin "
                "menghapus skenario lama sebelum menyimpan yang baru."
            )
        if taken:
            raise ScenarioError(
                f"Nama skenario '{scenario.name}' sudah dipakai untuk instansi ini; "
                "pilih nama lain."
            )
        row = cur.execute(
            """INSERT INTO scenario (instansi_code, year, framework, name, note, provenance,
                       base_levels, levels, costs, plan, created_at, actor)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [
                scenario.instansi_code,
                int(scenario.year),
                scenario.framework_id,
                scenario.name,
                scenario.note or None,
                scenario.provenance,
                _levels_json(scenario.base_levels),
                _levels_json(scenario.levels),
                json.dumps(scenario.costs) if scenario.costs else None,
                json.dumps(scenario.plan) if scenario.plan else None,
                datetime.now(),
                actor,
            ],
        ).fetchone()
    return int(row[0])


def list_scenarios(con, instansi_code: str | None = None) -> pd.DataFrame:
    """id, instansi_code, year, framework, name, note, provenance, has_plan, created_at, actor."""
    where, params = ("WHERE instansi_code = ?", [instansi_code]) if instansi_code else ("", [])
    return (
        con.cursor()
        .execute(
            f"""SELECT id, instansi_code, year, framework, name, note, provenance,
                       plan IS NOT NULL AS has_plan, created_at, actor
                FROM scenario {where} ORDER BY created_at DESC, id DESC""",
            params,
        )
        .df()
    )


def get_scenario(con, scenario_id: int) -> Scenario:
    row = (
        con.cursor()
        .execute(
            """SELECT id, instansi_code, year, framework, name, note, provenance, base_levels,
                      levels, costs, plan, created_at, actor
               FROM scenario WHERE id = ?""",
            [int(scenario_id)],
        )
        .fetchone()
    )
    if row is None:
        raise ScenarioError(f"Skenario nomor {scenario_id} tidak ada (mungkin sudah dihapus).")
    try:
        return Scenario(
            id=int(row[0]),
            instansi_code=row[1],
            year=int(row[2]),
            framework_id=row[3],
            name=row[4],
            note=row[5] or "",
            provenance=row[6],
            base_levels=_levels_from_json(row[7]),
            levels=_levels_from_json(row[8]),
            costs=json.loads(row[9]) if row[9] else None,
            plan=json.loads(row[10]) if row[10] else None,
            created_at=row[11],
            actor=row[12],
        )
    except (ValueError, TypeError, AttributeError) as exc:
        raise ScenarioError(
            f"Skenario '{row[4]}' tersimpan rusak dan tidak dapat dibuka ({exc})."
        ) from None


def delete_scenario(con, scenario_id: int, *, actor: str) -> None:
    _need_actor(actor, "menghapus skenario")
    with transaction(con) as cur:
        found = cur.execute("SELECT count(*) FROM scenario WHERE id = ?", [int(scenario_id)])
        if not found.fetchone()[0]:
            raise ScenarioError(f"Skenario nomor {scenario_id} tidak ada (mungkin sudah dihapus).")
        cur.execute("DELETE FROM scenario WHERE id = ?", [int(scenario_id)])


def _need_actor(actor: str | None, what: str) -> None:
    if not actor or not str(actor).strip():
        raise ScenarioError(f"Hanya admin yang boleh {what}; masuk sebagai admin terlebih dahulu.")


def _levels_json(levels: Mapping[int, int]) -> str:
    return json.dumps({str(int(n)): int(v) for n, v in sorted(levels.items())})


def _levels_from_json(text: str) -> dict[int, int]:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("tingkat bukan pemetaan indikator -> tingkat")
    return {int(n): int(v) for n, v in data.items()}
