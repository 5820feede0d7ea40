"""Writes of the planning pages (Simulasi, Perencana Anggaran): scenarios and cost tables.

Each call is one transaction in the store (``spbe.store.scenarios``); a cost workbook is read and
validated in full (``spbe.files.plans``) before anything is written.
"""

from __future__ import annotations

from spbe.core.framework import Framework
from spbe.core.scenario import Scenario
from spbe.files.plans import read_costs_workbook
from spbe.store import scenarios


def save_scenario(con, scenario: Scenario, *, actor: str | None) -> int:
    return scenarios.save_scenario(con, scenario, actor=actor)


def delete_scenario(con, scenario_id: int, *, actor: str) -> None:
    scenarios.delete_scenario(con, scenario_id, actor=actor)


def save_costs(con, instansi_code: str, framework: Framework, frame, *, actor: str) -> None:
    scenarios.save_costs(con, instansi_code, framework, frame, actor=actor, note="diubah di dasbor")


def import_costs(
    con, instansi_code: str, framework: Framework, data: bytes, file_name: str, *, actor: str
) -> None:
    """Read the sheet Biaya of an uploaded workbook and save it as the instansi's cost table."""
    frame = read_costs_workbook(data, file_name, framework)
    scenarios.save_costs(
        con, instansi_code, framework, frame, actor=actor, note=f"impor {file_name}", imported=True
    )


def reset_costs(con, instansi_code: str, framework: Framework, *, actor: str) -> int:
    return scenarios.reset_costs(con, instansi_code, framework, actor=actor)
