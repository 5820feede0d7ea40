"""AppTest of the "Data & Impor" page, from app.py, on a temp seeded database.

The admin hash comes from env SPBE_ADMIN_PASSWORD_HASH (made with few PBKDF2 iterations so the
tests stay fast). Since Streamlit 1.67 AppTest can set a file on st.file_uploader, so uploads are
tested through the page itself, not only through spbe.services.imports.
"""

from __future__ import annotations

import shutil

import pytest

from spbe import store, ui
from spbe.auth import HASH_ENV, hash_password
from spbe.store.imports import STATUS_ACCEPTED, STATUS_REFUSED
from tests.data.make_bad_workbooks import BAD_DIR, levels_workbook
from tests.helpers_app import (
    build_seeded_database,
    clear_streamlit_caches,
    discover_pages,
    exception_texts,
    full_error_details,
    new_app_test,
    open_page,
)

PAGE = next(p for p in discover_pages() if p.test_id == "data")  # the Data & Impor page
PASSWORD = "rahasia-kominfo"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return build_seeded_database(tmp_path_factory.mktemp("data-page") / "template.duckdb")


@pytest.fixture
def app_db(seeded, tmp_path, monkeypatch):
    path = tmp_path / "spbe.duckdb"
    shutil.copyfile(seeded, path)
    monkeypatch.setenv(store.DB_ENV, str(path))
    monkeypatch.delenv(HASH_ENV, raising=False)
    clear_streamlit_caches()
    with full_error_details():
        yield path
    clear_streamlit_caches()


@pytest.fixture
def admin_hash(monkeypatch):
    monkeypatch.setenv(HASH_ENV, hash_password(PASSWORD, iterations=1000))


def _ok(at):
    assert not at.exception, "\n\n".join(exception_texts(at))
    return at


def _counts(path):
    con = store.open_store(path)  # read-write: the app holds the file open in this process
    try:
        return store.table_counts(con), store.import_log(con)
    finally:
        con.close()


def _frame(at, column: str):
    """The st.dataframe whose columns include ``column`` (dataframes have no key in AppTest)."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _login(at, password=PASSWORD, name="Ana"):
    at.text_input(key="admin_name").set_value(name)
    at.text_input(key="admin_password").set_value(password)
    return _ok(at.button[0].click().run())


def _upload(at, data: bytes, name: str = "nilai.xlsx"):
    at.get("file_uploader")[0].set_value((name, data, XLSX))
    _ok(at.run())
    return _ok(at.button(key="data_import").click().run())


def _ternate_2025(level: int, indicators=range(1, 48)) -> bytes:
    return levels_workbook(
        [("Kota Ternate", 2025, n, level, "mandiri", "penilaian mandiri") for n in indicators]
    )


def test_without_an_admin_hash_the_page_shows_data_but_no_uploader(app_db):
    at = _ok(open_page(new_app_test(), PAGE))
    counts, _ = _counts(app_db)
    assert not at.get("file_uploader")
    assert not at.text_input  # no login form either: write actions are hidden
    assert any("python -m spbe hash-password" in i.value for i in at.info)
    shown = _metrics(at)
    assert shown["Hasil resmi"] == f"{counts['official_result']:,}".replace(",", ".")
    assert shown["Tingkat indikator"] == f"{counts['indicator_level']:,}".replace(",", ".")
    assert shown["Instansi"] == f"{counts['instansi']:,}".replace(",", ".")
    official = _frame(at, "Asal")
    assert len(official) == counts["official_result"]
    # every published figure names its source and provenance
    assert official["Sumber"].notna().all() and official["Asal"].notna().all()
    ternate_2024 = official[(official["Instansi"] == "Kota Ternate") & (official["Tahun"] == 2024)]
    assert ternate_2024["Asal"].tolist() == ["Resmi KemenPANRB 2024"]
    con = store.open_store(app_db)
    statuses = store.official_results(con)["status"].value_counts()
    con.close()
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [
        f":green-badge[Resmi KemenPANRB: {statuses['final']:,} hasil]".replace(",", "."),
        f":orange-badge[Mandiri — sementara: {statuses['provisional']} hasil]",
    ]


def test_a_wrong_password_is_refused_and_shows_no_uploader(app_db, admin_hash):
    at = _ok(open_page(new_app_test(), PAGE))
    assert any("Masuk sebagai admin" in i.value for i in at.info)
    _login(at, password="salah")
    assert [e.value for e in at.error] == ["Kata sandi salah."]
    assert not at.get("file_uploader")
    assert ui.KEY_ADMIN not in at.session_state


def test_logging_in_shows_the_uploader_limited_to_xlsx_and_10_mb(app_db, admin_hash):
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    uploader = at.get("file_uploader")[0]
    assert uploader.allowed_type == [".xlsx"]
    assert uploader.proto.max_upload_size_mb == 10
    assert "Masuk sebagai admin: Ana" in [c.value for c in at.caption]


def test_an_upload_is_imported_logged_with_the_actor_and_counted(app_db, admin_hash):
    before, _ = _counts(app_db)
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    _upload(at, _ternate_2025(level=3), "ternate-2025.xlsx")
    assert [s.value for s in at.success] == [
        "Impor berhasil: 47 baris ditambahkan, 0 diubah, 0 sudah sama."
    ]
    after, log = _counts(app_db)
    assert after["indicator_level"] == before["indicator_level"] + 47
    assert (log.iloc[0].actor, log.iloc[0].file_name, log.iloc[0].status) == (
        "Ana",
        "ternate-2025.xlsx",
        STATUS_ACCEPTED,
    )
    shown = _metrics(at)  # drawn after the import in the same run
    assert shown["Tingkat indikator"] == f"{after['indicator_level']:,}".replace(",", ".")
    assert _frame(at, "Oleh").iloc[0]["Oleh"] == "Ana"


def test_a_bad_upload_lists_every_problem_by_sheet_row_and_column_and_writes_nothing(
    app_db, admin_hash
):
    before, _ = _counts(app_db)
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    _upload(at, (BAD_DIR / "banyak-kesalahan.xlsx").read_bytes(), "banyak-kesalahan.xlsx")
    assert at.error[0].value.startswith('Berkas "banyak-kesalahan.xlsx" ditolak (30 masalah)')
    problems = _frame(at, "Aturan")
    assert len(problems) == 30  # all of them, although the message lists 20
    first = problems.iloc[0]
    assert (first["Sheet"], first["Baris"], first["Kolom"]) == ("Nilai Indikator", 2, "Tingkat")
    assert first["Aturan"] == "nilai 9 harus bilangan bulat 1–5"
    after, log = _counts(app_db)
    assert after["indicator_level"] == before["indicator_level"]
    assert log.iloc[0].status == STATUS_REFUSED


def test_a_file_with_thousands_of_problems_sends_a_bounded_table(app_db, admin_hash):
    """2.000 wrong levels: the message counts them all, the table holds the first 1.000."""
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    rows = [("Kota Ternate", 2025, 1 + n % 47, 9, "mandiri", None) for n in range(2000)]
    _upload(at, levels_workbook(rows), "banyak.xlsx")
    assert at.error[0].value.startswith('Berkas "banyak.xlsx" ditolak (')
    assert len(_frame(at, "Aturan")) == 1000
    captions = " ".join(c.value for c in at.caption)
    assert "Tabel memuat 1.000 masalah pertama dari " in captions


def test_a_file_that_is_not_a_workbook_gets_the_upload_message(app_db, admin_hash):
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    _upload(at, (BAD_DIR / "bom-zip.xlsx").read_bytes(), "bom-zip.xlsx")
    assert [e.value for e in at.error] == [
        "bom-zip.xlsx: isi berkas terlalu besar setelah diekstrak (50 MB); berkas ditolak demi "
        "keamanan.\nTidak ada data yang disimpan."
    ]
    assert not [d for d in at.dataframe if "Aturan" in d.value.columns]


def test_changing_stored_values_needs_the_replace_confirmation(app_db, admin_hash):
    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    _upload(at, _ternate_2025(level=2))
    changed = _ternate_2025(level=4, indicators=[1, 2])
    _upload(at, changed, "ubah.xlsx")
    assert "2 nilai yang sudah tersimpan akan berubah" in at.warning[0].value
    changes = _frame(at, "Tingkat baru")
    assert changes[["Indikator", "Tingkat tersimpan", "Tingkat baru"]].values.tolist() == [
        [1, 2, 4],
        [2, 2, 4],
    ]
    replace = at.button(key="data_replace")
    assert replace.disabled
    _ok(at.checkbox(key="data_confirm_replace").check().run())
    _ok(at.button(key="data_replace").click().run())
    assert [s.value for s in at.success] == [
        "Impor berhasil: 0 baris ditambahkan, 2 diubah, 0 sudah sama."
    ]
    con = store.open_store(app_db)
    try:
        stored = store.indicator_levels(con, "kota-ternate", 2025, "mandiri")
    finally:
        con.close()
    assert stored.set_index("indicator")["level"].loc[[1, 2, 3]].tolist() == [4, 4, 2]
    assert set(changes["Instansi"]) == {"Kota Ternate"}  # names, never codes


def test_an_opd_workbook_uploaded_here_joins_the_self_assessment(app_db, admin_hash, tmp_path):
    """The page recognises an OPD's workbook (as `python -m spbe import` does) and imports it as
    that OPD's part of the 2025 self-assessment; a change of it asks for confirmation."""
    import io

    import openpyxl

    from spbe.cli_opd import main as opd_cli
    from spbe.files.opd import ENTRY_SHEET

    template = tmp_path / "organisasi.xlsx"
    args = ["template", str(template), "--instansi", "Kota Ternate", "--year", "2025"]
    assert opd_cli([*args, "--opd", "organisasi", "--db", str(app_db)]) == 0
    book = openpyxl.load_workbook(template)
    sheet = book[ENTRY_SHEET]
    filled = {14: 2, 27: 1, 40: 2}  # Bagian Organisasi leads 14, 27 and 40
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value in filled:
            sheet.cell(row, 4).value = filled[sheet.cell(row, 1).value]
    out = io.BytesIO()
    book.save(out)

    at = _ok(open_page(new_app_test(), PAGE))
    _login(at)
    _upload(at, out.getvalue(), "organisasi-isi.xlsx")
    assert [s.value for s in at.success] == [
        "Kiriman OPD organisasi diterima: 3 indikator baru, 0 diubah, 0 sudah sama; 0 bukti dukung."
    ]
    con = store.open_store(app_db)
    try:
        stored = store.indicator_levels(con, "kota-ternate", 2025, "mandiri")
    finally:
        con.close()
    assert dict(zip(stored["indicator"], stored["level"])) == filled

    assert sheet.cell(2, 1).value == 14
    sheet.cell(2, 4).value = 4  # indicator 14: 2 → 4
    changed = io.BytesIO()
    book.save(changed)
    _upload(at, changed.getvalue(), "ubah.xlsx")
    assert "akan berubah" in at.warning[0].value
    (line,) = _frame(at, "Perubahan")["Perubahan"]
    assert line.startswith("Kota Ternate 2025 indikator 14:")
