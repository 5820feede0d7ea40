"""The Kesiapan Penilaian page's pieces: each OPD's progress for the sidebar's instansi and year,
its .xlsx for the coordination meeting, an OPD's template for everyone, and for an admin the
verification date and the upload of OPD workbooks (through ``spbe.services.opd``).

The admin's writes run in button callbacks, before the page is drawn, so the table shown after an
import or a new date already holds it. Reads are cached under the data version and the file's
stamp (the verification date is not part of the data version).
"""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import streamlit as st

from spbe import ui
from spbe.core.errors import SpbeError
from spbe.core.formatting import format_count
from spbe.core.framework import framework_for_year
from spbe.files.uploads import MAX_UPLOAD_BYTES
from spbe.results.readiness import (
    COMPLETE,
    NOTHING,
    Readiness,
    days_text,
    long_date,
    readiness,
    readiness_display,
    verification_for,
)
from spbe.results.tables import problems_display
from spbe.services.opd import (
    ImportRefused,
    WorkbookRejected,
    describe_submission_changes,
    import_opd_workbook,
    readiness_workbook,
    set_verification_date,
    template_file_name,
    write_template_for,
)

KEY_OPD, KEY_DATE, KEY_UPLOAD = "kesiapan_opd", "kesiapan_date", "kesiapan_upload"
KEY_RESULTS, KEY_PENDING = "kesiapan_results", "kesiapan_pending"  # shown after a callback


def load(code: str, year: int, today: date | None = None) -> Readiness:
    """The readiness of every OPD of the instansi for that year (SpbeError: no framework), once
    per data version and day, shared between sessions (never modified here)."""
    return _load(ui.db_path(), ui.data_version(), code, int(year), today or date.today())


@st.cache_resource(show_spinner=False, max_entries=64)
def _load(path: str, version: str, code: str, year: int, today: date) -> Readiness:
    fw = framework_for_year(int(year))
    opd, owners = ui.opd_and_owners(code)
    evidence, dates = ui.evidence(code, year)
    day = verification_for(dates, code, year)
    return readiness(opd, owners, evidence, fw, code, year, day, today)


def overview(state: Readiness) -> None:
    table = state.table
    if table.empty:
        return  # no OPD list for this instansi: ``table`` says so
    leading = table[table["status"] != NOTHING]
    first, second, third = st.columns(3)
    first.metric("Isian OPD dikirim", f"{state.submitted}/{state.expected} indikator")
    done = int((leading["status"] == COMPLETE).sum())
    second.metric("OPD lengkap", f"{done}/{len(leading)}")
    when = "belum ditetapkan" if state.verification_on is None else long_date(state.verification_on)
    third.metric("Verifikasi asesor", when)
    if state.days_left is not None:
        third.caption(f"Sisa waktu: {days_text(state.days_left)}")
    if state.unassigned:
        listed = ", ".join(str(n) for n in state.unassigned)
        st.caption(f"Indikator tanpa OPD pengampu (tidak dikirim OPD mana pun): {listed}.")


def table(state: Readiness, name: str) -> None:
    if state.table.empty:
        st.caption(f"Belum ada daftar OPD untuk {name}; atur pemetaan OPD lebih dulu.")
        return
    st.dataframe(readiness_display(state), hide_index=True, key="kesiapan_table")
    ui.excel_download(
        "Unduh tabel kesiapan untuk rapat koordinasi (.xlsx)",
        lambda: readiness_workbook(state),
        f"kesiapan-{state.instansi_code}-{state.year}.xlsx",
        key="dl_kesiapan",
    )


def _template(code: str, name: str, year: int, opd_code: str) -> bytes:
    opd, owners = ui.opd_and_owners(code)
    evidence, _ = ui.evidence(code, year)
    buffer = io.BytesIO()
    write_template_for(
        buffer,
        instansi_code=code,
        instansi_name=name,
        year=year,
        opd_code=opd_code,
        opd=opd,
        owners=owners,
        evidence=evidence,
    )
    return buffer.getvalue()


def template_download(state: Readiness, name: str) -> None:
    """Any viewer: the workbook of one OPD (its lead indicators, its last submission)."""
    leading = state.table[state.table["status"] != NOTHING]
    if leading.empty:
        st.caption("Tidak ada OPD yang mengampu indikator pada kerangka tahun ini.")
        return
    names = dict(zip(leading["opd_code"], leading["opd_name"], strict=True))
    chosen = st.selectbox("OPD", list(names), format_func=names.get, key=KEY_OPD)
    code, year = state.instansi_code, state.year
    ui.excel_download(
        f"Unduh templat isian {names[chosen]} (.xlsx)",
        lambda: _template(code, name, year, chosen),
        template_file_name(code, year, chosen),
        key="dl_opd_template",
    )


# -- admin: verification date and OPD workbooks --------------------------------------------------


def _save_date(code: str, year: int, actor: str, clear: bool) -> None:
    day = None if clear else st.session_state.get(KEY_DATE)
    try:
        with ui.using(check=True) as con:
            set_verification_date(con, code, year, day, actor=actor)
    except SpbeError as exc:
        st.session_state[KEY_RESULTS] = [("error", str(exc), None)]
        return
    text = "dihapus" if day is None else f"ditetapkan {long_date(day)}"
    st.session_state[KEY_RESULTS] = [("success", f"Tanggal verifikasi {year} {text}.", None)]


def _import(actor: str, replace: bool) -> None:
    results, pending = [], []
    for upload in st.session_state.get(KEY_UPLOAD) or []:
        data, name = upload.getvalue(), upload.name
        try:
            with ui.using(check=True) as con:
                report = import_opd_workbook(con, data, name, actor=actor, replace=replace)
        except WorkbookRejected as exc:
            heading = str(exc).splitlines()[0] if exc.problems else str(exc)
            shown = problems_display(exc.problems) if exc.problems else None
            results.append(("error", heading, shown))
        except ImportRefused as exc:
            names = dict(ui.instansi()[["code", "name"]].itertuples(index=False))
            lines = describe_submission_changes(exc.report, names=names)
            changes = pd.DataFrame({"Perubahan": lines})
            results.append(("warning", f"{name}: {exc}", changes))
            pending.append(name)
        except SpbeError as exc:  # the mapping changed meanwhile, or the database failed
            results.append(("error", f"{name}: {exc}", None))
        else:
            results.append(("success", f"{name}: {report.message}", None))
    st.session_state[KEY_RESULTS], st.session_state[KEY_PENDING] = results, pending


def _show_results() -> None:
    show = {"success": st.success, "warning": st.warning, "error": st.error}
    for number, (kind, message, frame) in enumerate(st.session_state.pop(KEY_RESULTS, [])):
        show[kind](message)
        if frame is not None:
            st.dataframe(frame, hide_index=True, key=f"kesiapan_result_{number}")


def admin_section(state: Readiness) -> None:
    """For a logged-in admin: the verification date and the upload of OPD workbooks."""
    if ui.read_only_reason():
        st.warning("Mode baca saja: perubahan tidak tersedia sampai basis data utama dapat dibuka.")
        return
    actor = ui.admin_login()
    if not actor:
        how = "Masuk sebagai admin di bilah samping" if ui.admin_hash() else "Atur kata sandi admin"
        st.info(
            f"{how} untuk menetapkan tanggal verifikasi dan mengimpor isian OPD. Lewat baris "
            "perintah: `python -m spbe import BERKAS_ISIAN_OPD.xlsx`.",
            icon="🔒",
        )
        return
    code, year = state.instansi_code, state.year
    st.date_input(
        f"Tanggal verifikasi asesor {year}",
        value=state.verification_on,
        format="DD/MM/YYYY",
        key=KEY_DATE,
    )
    left, right = st.columns(2)
    left.button(
        "Simpan tanggal",
        key="kesiapan_save_date",
        on_click=_save_date,
        args=(code, year, actor, False),
    )
    right.button(
        "Hapus tanggal",
        key="kesiapan_clear_date",
        on_click=_save_date,
        args=(code, year, actor, True),
        disabled=state.verification_on is None,
    )
    limit_mb = MAX_UPLOAD_BYTES // 1_048_576
    uploads = st.file_uploader(
        f"Berkas isian OPD (.xlsx, maks. {limit_mb} MB per berkas; boleh beberapa)",
        type=["xlsx"],
        accept_multiple_files=True,
        max_upload_size=limit_mb,
        key=KEY_UPLOAD,
        help="Setiap berkas diperiksa sendiri-sendiri: satu kesalahan menolak seluruh berkas itu.",
    )
    st.button(
        "Impor isian OPD",
        key="kesiapan_import",
        type="primary",
        on_click=_import,
        args=(actor, False),
        disabled=not uploads,
    )
    _show_results()
    pending = st.session_state.get(KEY_PENDING)
    if pending and uploads:
        st.caption(f"{format_count(len(pending))} berkas akan mengubah isian yang tersimpan.")
        confirm = st.checkbox("Ganti isian yang ada", key="kesiapan_confirm_replace")
        st.button(
            "Impor dan ganti isian",
            key="kesiapan_replace",
            on_click=_import,
            args=(actor, True),
            disabled=not confirm,
        )
