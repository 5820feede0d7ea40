"""The command line of the OPD collection, wired into ``spbe.cli`` (see its ``template`` and
``import`` commands) and usable alone: ``python -m spbe.cli_opd template|import …``.

- ``template FILE.xlsx --instansi X --year Y --opd OPD [--db PATH]``: the OPD's workbook (its lead
  indicators editable, its support indicators locked, its last submission written back).
- ``import FILE.xlsx … [--replace] [--db PATH]``: OPD workbooks, each all-or-nothing and logged.

Exit codes: 0 ok, 2 refused input (every located problem listed), 1 other failure; never a
traceback. An unknown instansi or OPD gets a "maksud Anda …?" hint.
"""

from __future__ import annotations

import argparse
import difflib
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from spbe.core.errors import SpbeError

EXIT_OK, EXIT_FAILURE, EXIT_REFUSED = 0, 1, 2
DB_HELP = "berkas DuckDB (bawaan: $SPBE_DB atau data/spbe.duckdb)"


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - no user name on some systems
        return "cli"


def _maybe(typed: str, spellings: dict[str, str], most: int = 3) -> str:
    """'; maksud Anda "Kota Ternate"?' for spellings containing what was typed or close to it."""
    from spbe.core.instansi import spelling_key

    key = spelling_key(typed)
    found = [shown for s, shown in spellings.items() if len(key) >= 3 and key in s]
    if not found:
        close = difflib.get_close_matches(key, list(spellings), n=most, cutoff=0.6)
        found = [spellings[c] for c in close]
    found = [f'"{n}"' for n in dict.fromkeys(found)][:most]
    if not found:
        return ""
    listed = found[0] if len(found) == 1 else f"{', '.join(found[:-1])} atau {found[-1]}"
    return f"; maksud Anda {listed}?"


def resolve_instansi(con, typed: str) -> tuple[str, str]:
    """(code, name) of the instansi a user typed (code or name); refused with a hint."""
    from spbe import store
    from spbe.core.instansi import find_code, spelling_key

    names = dict(store.instansi_table(con)[["code", "name"]].itertuples(index=False))
    code = find_code(store.instansi_lookup(con), typed)
    if code is None:
        spellings = {spelling_key(s): n for c, n in names.items() for s in (c, n)}
        raise SpbeError(f"Instansi '{typed}' tidak dikenal{_maybe(typed, spellings) or '.'}")
    return code, names[code]


def resolve_opd(opd, instansi_code: str, instansi_name: str, typed: str) -> str:
    """The OPD code a user typed (code, short name or name) for that instansi; refused with a hint."""
    from spbe.core.instansi import spelling_key

    mine = opd[opd["instansi_code"] == instansi_code]
    spellings = {}
    for row in mine.itertuples(index=False):
        for spelling in (row.opd_code, row.short_name, row.name):
            spellings.setdefault(spelling_key(spelling), row.opd_code)
    found = spellings.get(spelling_key(typed))
    if found is not None:
        return found
    if mine.empty:
        raise SpbeError(f"Belum ada daftar OPD untuk {instansi_name}.")
    hint = _maybe(typed, {k: c for k, c in spellings.items()})
    known = ", ".join(mine["opd_code"])
    raise SpbeError(f"OPD '{typed}' tidak dikenal untuk {instansi_name}{hint} (kode OPD: {known}).")


# -- template -------------------------------------------------------------------------------------


def add_template_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``template`` for an OPD's workbook (all three together)."""
    parser.add_argument("--instansi", help="dengan --opd: nama atau kode instansi")
    parser.add_argument("--year", type=int, help="dengan --opd: tahun penilaian")
    parser.add_argument(
        "--opd", help="kode atau nama OPD: templat isian OPD itu (indikator yang diampunya)"
    )
    if not any("--db" in action.option_strings for action in parser._actions):
        parser.add_argument("--db", help=DB_HELP)


def opd_template_requested(args) -> bool:
    """True when ``template`` was given any of --opd, --instansi, --year (run_template decides)."""
    return any(getattr(args, name, None) is not None for name in ("opd", "instansi", "year"))


def run_template(args) -> int:
    """Write the OPD's workbook; raises ``SpbeError`` (exit code 2) for refused input."""
    from spbe import store
    from spbe.core.framework import FrameworkError, framework_for_year
    from spbe.services.opd import write_template_for

    if args.opd is None:
        raise SpbeError(
            "--instansi dan --year hanya berlaku bersama --opd (templat isian OPD); tanpa ketiganya "
            "templat nilai indikator biasa yang ditulis."
        )
    if args.instansi is None or args.year is None:
        raise SpbeError(
            "--opd memerlukan --instansi dan --year, mis. --instansi 'Kota Ternate' "
            "--year 2025 --opd bpkad."
        )
    try:
        framework_for_year(args.year)
    except FrameworkError as exc:  # a year without an instrument, or too far ahead: refused input
        raise SpbeError(str(exc)) from None
    con = store.open_store(getattr(args, "db", None))
    try:
        code, name = resolve_instansi(con, args.instansi)
        opd = store.opd_table(con)
        opd_code = resolve_opd(opd, code, name, args.opd)
        owners, evidence = store.owner_table(con, code), store.opd_evidence(con, code, args.year)
    finally:
        con.close()
    try:
        write_template_for(
            Path(args.file),
            instansi_code=code,
            instansi_name=name,
            year=args.year,
            opd_code=opd_code,
            opd=opd,
            owners=owners,
            evidence=evidence,
        )
    except OSError as exc:
        raise SpbeError(f"Berkas {args.file} tidak dapat ditulis: {exc.strerror or exc}.") from None
    sent = evidence[evidence["opd_code"] == opd_code]["indicator"].nunique()
    note = f"; kiriman terakhir ({sent} indikator) ditulis kembali" if sent else ""
    print(f"Templat isian OPD ditulis: {args.file} ({opd_code}, {name} {args.year}{note})")
    return EXIT_OK


# -- import ---------------------------------------------------------------------------------------


def add_import_opd_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="berkas isian OPD (.xlsx)")
    parser.add_argument(
        "--replace", action="store_true", help="izinkan mengubah isian yang sudah tersimpan"
    )
    if not any("--db" in action.option_strings for action in parser._actions):
        parser.add_argument("--db", help=DB_HELP)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpbeError(f"Berkas {path} tidak dapat dibaca: {exc.strerror}.") from None


def run_import_opd(args) -> int:
    """Import each OPD workbook (``args.files``, or ``args.file``) on its own, all-or-nothing.
    Refusals are printed (with every located problem or change) and give exit code 2; the
    other files are still imported."""
    from spbe import store
    from spbe.services.opd import describe_submission_changes, import_opd_workbook
    from spbe.store.imports import ImportRefused

    paths = [Path(f) for f in (getattr(args, "files", None) or [args.file])]
    code = EXIT_OK
    con = store.open_store(getattr(args, "db", None))
    try:
        for path in paths:
            prefix = f"{path.name}: " if len(paths) > 1 else ""
            try:
                report = import_opd_workbook(
                    con, _read(path), path.name, actor=_actor(), replace=args.replace
                )
            except ImportRefused as refused:
                lines = [f"- {line}" for line in describe_submission_changes(refused.report)]
                print(prefix + "\n".join([str(refused), *lines]), file=sys.stderr)
                code = max(code, EXIT_REFUSED)
            except SpbeError as exc:  # WorkbookRejected, NotLead; a StoreError goes on (exit 1)
                if exc.EXIT_CODE != EXIT_REFUSED:
                    raise
                print(prefix + str(exc), file=sys.stderr)
                code = max(code, EXIT_REFUSED)
            else:
                print(prefix + report.message)
    finally:
        con.close()
    return code


def import_if_opd_workbook(args) -> int | None:
    """For ``python -m spbe import FILE``: import an OPD workbook (recognised by its "Identitas"
    sheet) and return the exit code, or None when FILE is not one (the levels import goes on)."""
    from spbe.files.opd import is_opd_workbook

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the levels import reports it
    return run_import_opd(args) if is_opd_workbook(data) else None


# -- standalone -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spbe.cli_opd", description="Isian OPD: templat dan impor."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    template = sub.add_parser("template", help="Tulis templat isian satu OPD.")
    template.add_argument("file", help="berkas .xlsx tujuan")
    add_template_arguments(template)
    template.set_defaults(handler=run_template)
    imp = sub.add_parser("import", help="Impor berkas isian OPD (masing-masing semua atau tidak).")
    add_import_opd_arguments(imp)
    imp.set_defaults(handler=run_import_opd)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed its message
        return EXIT_REFUSED if exc.code else EXIT_OK
    try:
        return args.handler(args)
    except SpbeError as exc:
        print(str(exc), file=sys.stderr)
        return exc.EXIT_CODE
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        print(f"Terjadi kesalahan yang tidak terduga: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
