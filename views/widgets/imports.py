"""The Data & Impor page's pieces: the admin's workbook import (all-or-nothing, changes shown and
confirmed before anything is replaced), the template download and the labelled tables."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_count
from spbe.core.framework import list_frameworks, load_framework
from spbe.files.opd import is_opd_workbook
from spbe.files.uploads import MAX_UPLOAD_BYTES
from spbe.files.writers import write_template
from spbe.results.tables import problems_display
from spbe.services.imports import ImportRefused, WorkbookRejected, import_workbook
from spbe.services.opd import describe_submission_changes, import_opd_workbook

KEY_PENDING = "data_pending_replace"  # {"sha": ..., "message": ..., "changes": DataFrame}
CHANGE_COLUMNS = {
    "instansi_code": "Instansi",
    "year": "Tahun",
    "indicator": "Indikator",
    "provenance": "Sumber",
    "old_level": "Tingkat tersimpan",
    "level": "Tingkat baru",
    "old_note": "Catatan tersimpan",
    "note": "Catatan baru",
}
LOG_COLUMNS = {
    "id": "No",
    "logged_at": "Waktu",
    "actor": "Oleh",
    "file_name": "Berkas",
    "status": "Status",
    "rows_added": "Ditambah",
    "rows_changed": "Diubah",
    "message": "Pesan",
}
TABLE_NAMES = {
    "instansi": "Instansi",
    "official_result": "Hasil resmi",
    "indicator_level": "Tingkat indikator",
    "opd": "OPD",
    "indicator_owner": "Pemetaan OPD",
    "import_log": "Riwayat impor",
}


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    names = ui.instansi()
    instansi = dict(zip(names["code"], names["name"], strict=True))
    write_template(buffer, [load_framework(f) for f in list_frameworks()], instansi=instansi)
    return buffer.getvalue()


def _show_rejection(exc: WorkbookRejected) -> None:
    st.error(str(exc).splitlines()[0] if exc.problems else str(exc))
    if exc.problems:
        if exc.total > len(exc.problems):
            st.caption(
                f"Tabel memuat {format_count(len(exc.problems))} masalah pertama dari "
                f"{format_count(exc.total)}."
            )
        st.dataframe(problems_display(exc.problems), hide_index=True, key="data_problems")


def _changes(exc: ImportRefused, opd: bool):
    """What the import would change, with instansi names (never codes)."""
    names = dict(ui.instansi()[["code", "name"]].itertuples(index=False))
    if opd:
        return pd.DataFrame({"Perubahan": describe_submission_changes(exc.report, names=names)})
    changes = exc.report.changes.assign(
        instansi_code=lambda f: f["instansi_code"].map(lambda c: names.get(c, c))
    )
    return changes.rename(columns=CHANGE_COLUMNS)[list(CHANGE_COLUMNS.values())]


def _run_import(data: bytes, name: str, actor: str, replace: bool) -> None:
    """A levels workbook, or an OPD's workbook (recognised by its sheets, as the CLI does)."""
    st.session_state.pop(KEY_PENDING, None)
    opd = is_opd_workbook(data)
    run = import_opd_workbook if opd else import_workbook
    try:
        with ui.using(check=True) as con:
            report = run(con, data, name, actor=actor, replace=replace)
    except WorkbookRejected as exc:
        _show_rejection(exc)
    except ImportRefused as exc:
        changes = _changes(exc, opd)
        sha = hashlib.sha256(data).hexdigest()
        st.session_state[KEY_PENDING] = {"sha": sha, "message": str(exc), "changes": changes}
    except SpbeError as exc:  # the database could not be written; the transaction rolled back
        st.error(str(exc))
    else:
        st.success(report.message)


def import_section(actor: str) -> None:
    st.subheader("Impor nilai indikator")
    limit_mb = MAX_UPLOAD_BYTES // 1_048_576
    uploaded = st.file_uploader(
        f"Berkas nilai indikator atau isian OPD (.xlsx, maks. {limit_mb} MB)",
        type=["xlsx"],
        max_upload_size=limit_mb,
        key="data_upload",
        help="Berkas diperiksa di memori; satu kesalahan saja membuat seluruh berkas ditolak. "
        "Isian OPD (lembar Identitas) dikenali sendiri dan menjadi bagian penilaian mandiri.",
    )
    if uploaded is None:
        st.session_state.pop(KEY_PENDING, None)
        return
    data = uploaded.getvalue()
    if st.button("Impor", key="data_import", type="primary"):
        _run_import(data, uploaded.name, actor, replace=False)
    pending = st.session_state.get(KEY_PENDING)
    if pending and pending["sha"] == hashlib.sha256(data).hexdigest():
        st.warning(pending["message"])
        st.dataframe(pending["changes"], hide_index=True, key="data_changes")
        confirm = st.checkbox("Ganti nilai yang ada", key="data_confirm_replace")
        if st.button("Impor dan ganti nilai", key="data_replace", disabled=not confirm):
            _run_import(data, uploaded.name, actor, replace=True)


def import_or_why_not() -> None:
    """The import section for a logged-in admin, else the reason it is not offered."""
    if ui.read_only_reason():
        st.warning("Mode baca saja: impor tidak tersedia sampai basis data utama dapat dibuka.")
    elif actor := ui.admin_login():
        import_section(actor)
    elif ui.admin_hash():
        st.info("Masuk sebagai admin di bilah samping untuk mengimpor data.", icon="🔒")
    else:
        st.info(
            "Impor lewat dasbor tidak aktif karena kata sandi admin belum diatur. Gunakan "
            "`python -m spbe import BERKAS`, atau atur SPBE_ADMIN_PASSWORD_HASH (buat dengan "
            "`python -m spbe hash-password`).",
            icon="🔒",
        )
