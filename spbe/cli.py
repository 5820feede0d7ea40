"""Command line: ``python -m spbe COMMAND``. Exit codes: 0 ok, 2 refused input, 1 other failure.

No traceback ever reaches the user: every failure becomes one Indonesian message on stderr.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from spbe.core.errors import SpbeError

EXIT_OK, EXIT_FAILURE, EXIT_REFUSED = 0, 1, 2
Refused = SpbeError  # input refused: printed as-is, exit code 2 (SpbeError.EXIT_CODE)


def _print_err(text: str) -> None:
    print(text, file=sys.stderr)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "cli"


# -- commands -----------------------------------------------------------------------------------


def cmd_init(args) -> int:
    from spbe.store import init_store

    path, version, report, counts = init_store(args.db)
    print(f"Basis data: {path} (skema versi {version})")
    if report is None:
        print("Sudah berisi data; tidak ada yang diisi ulang.")
    else:
        print(
            f"Diisi dari data/: {report.instansi} instansi, {report.official_results} hasil resmi."
        )
        print(f"Profil rekonstruksi: {len(report.reconstructed)} berhasil.")
        for code, year in report.not_reconstructed:
            print(f"  Tidak ada profil tingkat yang tepat untuk {code} {year}; tidak diisi.")
    print(", ".join(f"{name}: {n}" for name, n in counts.items()))
    return EXIT_OK


def cmd_template(args) -> int:
    from spbe.core.framework import list_frameworks, load_framework
    from spbe.files.writers import write_template

    write_template(Path(args.file), [load_framework(f) for f in list_frameworks()])
    print(f"Templat ditulis: {args.file}")
    return EXIT_OK


def cmd_import(args) -> int:
    from spbe.services.imports import WorkbookRejected, describe_changes, import_workbook
    from spbe.store import open_store
    from spbe.store.imports import ImportRefused

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Refused(f"Berkas {path} tidak dapat dibaca: {exc.strerror}.") from None
    con = open_store(args.db)
    try:
        report = import_workbook(con, data, path.name, actor=_actor(), replace=args.replace)
    except WorkbookRejected as rejected:
        raise Refused(str(rejected)) from None
    except ImportRefused as refused:
        lines = [f"- {line}" for line in describe_changes(refused.report)]
        raise Refused("\n".join([str(refused), *lines])) from None
    finally:
        con.close()
    print(report.message)
    return EXIT_OK


def cmd_export(args) -> int:
    from spbe.services.export import export_workbook
    from spbe.store import open_store

    con = open_store(args.db)
    try:
        export_workbook(con, Path(args.file))
    finally:
        con.close()
    print(f"Ekspor ditulis: {args.file}")
    return EXIT_OK


def cmd_score(args) -> int:
    from spbe.core.instansi import find_code
    from spbe.services.recompute import recompute_beside_official
    from spbe.store import instansi_lookup, open_store

    con = open_store(args.db)
    try:
        code = None
        if args.instansi:
            code = find_code(instansi_lookup(con), args.instansi)
            if code is None:
                raise Refused(f"Instansi '{args.instansi}' tidak dikenal.")
        table = recompute_beside_official(con, instansi_code=code, year=args.year)
    finally:
        con.close()
    if table.empty:
        raise Refused("Tidak ada profil tingkat indikator untuk pilihan ini.")
    if args.format == "csv":
        print(table.to_csv(index=False), end="")
    elif args.format == "json":
        print(table.to_json(orient="records", force_ascii=False, indent=1))
    else:
        from spbe.services.recompute import as_display_table

        print(as_display_table(table).to_string(index=False))
    return EXIT_OK


def cmd_deck(args) -> int:
    from datetime import date

    from spbe import store
    from spbe.core.instansi import find_code
    from spbe.presentation.deck import DeckError, deck_format, write_deck
    from spbe.presentation.story import build_story

    try:
        deck_format(args.out)
    except DeckError as exc:
        raise Refused(str(exc)) from None
    con = store.open_store(args.db)
    try:
        code = find_code(store.instansi_lookup(con), args.instansi)
        if code is None:
            raise Refused(f"Instansi '{args.instansi}' tidak dikenal.")
        frames = store.story_frames(con, code)
    finally:
        con.close()
    try:
        story = build_story(*frames, code, args.year, made_on=date.today())
        charts = write_deck(story, args.out)
    except SpbeError as exc:  # no result that year, or the file cannot be written
        raise Refused(str(exc)) from None
    print(f"Presentasi ditulis: {args.out} ({len(story.slides)} slide, {charts.count} grafik)")
    if charts.problem:
        _print_err(f"Peringatan: {charts.problem}")
    return EXIT_OK


def cmd_backup(args) -> int:
    from spbe.store import open_store
    from spbe.store.backup import backup

    con = open_store(args.db)
    try:
        manifest = backup(con, Path(args.dir))
    finally:
        con.close()
    rows = ", ".join(f"{t}: {n}" for t, n in manifest["rows"].items())
    print(f"Cadangan ditulis ke {args.dir} (skema {manifest['schema_version']}): {rows}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from spbe.store.backup import restore

    counts = restore(Path(args.dir), Path(args.db))
    print(f"Dipulihkan ke {args.db}: " + ", ".join(f"{t}: {n}" for t, n in counts.items()))
    return EXIT_OK


def cmd_hash_password(args) -> int:
    from spbe.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Kata sandi admin: ")
        if getpass.getpass("Ulangi: ") != password:
            raise Refused("Kedua kata sandi tidak sama.")
    else:
        password = sys.stdin.readline().rstrip("\n")
    print(hash_password(password))
    print(
        "Simpan baris di atas sebagai admin_password_hash di .streamlit/secrets.toml "
        "atau sebagai variabel lingkungan SPBE_ADMIN_PASSWORD_HASH.",
        file=sys.stderr,
    )
    return EXIT_OK


# -- parser and entry point ----------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spbe", description="Alat baris perintah Dasbor SPBE."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    def add(name: str, help_text: str, handler: Callable, db: bool = True):
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if db:
            cmd.add_argument("--db", help="berkas DuckDB (bawaan: $SPBE_DB atau data/spbe.duckdb)")
        cmd.set_defaults(handler=handler)
        return cmd

    add("init", "Buat dan isi basis data dari data/ (bila belum ada).", cmd_init)
    add(
        "template", "Tulis templat Excel untuk nilai indikator.", cmd_template, db=False
    ).add_argument("file", help="berkas .xlsx tujuan")
    imp = add(
        "import",
        "Impor nilai indikator dari berkas Excel (semua atau tidak sama sekali).",
        cmd_import,
    )
    imp.add_argument("file", help="berkas .xlsx")
    imp.add_argument(
        "--replace", action="store_true", help="izinkan mengubah nilai yang sudah tersimpan"
    )
    add("export", "Ekspor seluruh data ke satu berkas Excel.", cmd_export).add_argument("file")
    score = add(
        "score", "Hitung ulang indeks dari tingkat indikator, di samping nilai resmi.", cmd_score
    )
    score.add_argument("--instansi", help="nama atau kode instansi")
    score.add_argument("--year", type=int, help="tahun")
    score.add_argument("--format", choices=("table", "csv", "json"), default="table")
    deck = add("deck", "Tulis presentasi (.pptx atau .pdf) satu instansi dan tahun.", cmd_deck)
    deck.add_argument("--instansi", required=True, help="nama atau kode instansi")
    deck.add_argument("--year", type=int, required=True, help="tahun")
    deck.add_argument("--out", required=True, help="berkas tujuan .pptx atau .pdf")
    add(
        "backup", "Cadangkan semua tabel sebagai Parquet ke sebuah folder.", cmd_backup
    ).add_argument("dir")
    restore = add("restore", "Pulihkan cadangan ke berkas basis data baru.", cmd_restore, db=False)
    restore.add_argument("dir")
    restore.add_argument("--db", required=True, help="berkas DuckDB baru")
    add(
        "hash-password",
        "Buat hash kata sandi admin (kata sandi dibaca dari terminal).",
        cmd_hash_password,
        db=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return EXIT_REFUSED if exc.code else EXIT_OK
    try:
        return args.handler(args)
    except SpbeError as exc:  # refused input (2) or an unusable database or framework (1)
        _print_err(str(exc))
        return exc.EXIT_CODE
    except KeyboardInterrupt:
        _print_err("Dibatalkan.")
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        _print_err(f"Terjadi kesalahan yang tidak terduga: {type(exc).__name__}: {exc}")
        return EXIT_FAILURE
