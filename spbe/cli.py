"""Command line: ``python -m spbe COMMAND``. Exit codes: 0 ok, 2 refused input, 1 other failure.

No traceback ever reaches the user: every failure becomes one Indonesian message on stderr.
"""

from __future__ import annotations

import argparse
import difflib
import getpass
import sys
from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from spbe.cli_deck import add_deck_arguments
from spbe.cli_opd import add_template_arguments
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


def _instansi_code(con, typed: str) -> str:
    """The code of the instansi a user typed (code or name); refused with a "maksud Anda" hint."""
    from spbe import store
    from spbe.core.instansi import find_code

    code = find_code(store.instansi_lookup(con), typed)
    if code is None:
        names = dict(store.instansi_table(con)[["code", "name"]].itertuples(index=False))
        raise Refused(f"Instansi '{typed}' tidak dikenal{_hint(names, typed) or '.'}")
    return code


def _hint(names: dict[str, str], typed: str, most: int = 3) -> str:
    """'; maksud Anda "Kota Ternate"?' for names containing what was typed or close to it."""
    from spbe.core.instansi import spelling_key

    key = spelling_key(typed)
    spellings: dict[str, str] = {}
    for code, name in names.items():
        spellings.setdefault(spelling_key(name), name)
        spellings.setdefault(spelling_key(code), name)
    found = [name for spelling, name in spellings.items() if len(key) >= 3 and key in spelling]
    if not found:
        close = difflib.get_close_matches(key, list(spellings), n=most, cutoff=0.8)
        found = [spellings[c] for c in close]
    found = list(dict.fromkeys(found))
    if not found:
        return ""
    shown = [f'"{n}"' for n in found[:most]]
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} atau {shown[-1]}"
    return f"; maksud Anda {listed}?"


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
    from spbe.cli_opd import opd_template_requested, run_template
    from spbe.core.framework import list_frameworks, load_framework
    from spbe.files.writers import write_template

    if opd_template_requested(args):  # --instansi --year --opd: one OPD's workbook
        return run_template(args)
    write_template(Path(args.file), [load_framework(f) for f in list_frameworks()])
    print(f"Templat ditulis: {args.file}")
    return EXIT_OK


def cmd_import(args) -> int:
    from spbe.cli_opd import import_if_opd_workbook
    from spbe.services.imports import WorkbookRejected, describe_changes, import_workbook
    from spbe.store import open_store
    from spbe.store.imports import ImportRefused

    if (code := import_if_opd_workbook(args)) is not None:  # an OPD's filled workbook
        return code
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
    from spbe.services.recompute import recompute_beside_official
    from spbe.store import open_store

    con = open_store(args.db)
    try:
        code = _instansi_code(con, args.instansi) if args.instansi else None
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
    from spbe.cli_deck import cmd_deck as write

    line, warning = write(args, _instansi_code, _hint)
    print(line)
    if warning:
        _print_err(warning)
    return EXIT_OK


PROFILE_PREFERENCE = ("resmi", "rekonstruksi", "mandiri")  # the plan's start, first found wins


def cmd_plan(args) -> int:
    from spbe import store
    from spbe.core.provenance import provenance_label
    from spbe.planning.plan import PlanSettings, run_plan
    from spbe.planning.session import start_options
    from spbe.planning.tables import parse_budgets, parse_rupiah
    from spbe.store.scenarios import load_costs

    budget = annual = None
    if args.budget is not None:
        budget = parse_rupiah(args.budget, "Anggaran (--budget)")
    if args.annual_budget is not None:
        annual = parse_budgets(args.annual_budget, "Anggaran per tahun (--annual-budget)")
    _check_plan_options(args, budget, annual)
    locked = _indicator_list(args.lock)
    con = store.open_store(args.db)
    try:
        code = _instansi_code(con, args.instansi)
        name = dict(store.instansi_table(con)[["code", "name"]].itertuples(index=False))[code]
        levels = store.indicator_levels(con, code, args.year)
        options = [] if levels.empty else start_options(levels, code, args.year)
        found = {o.provenance: o for o in options if o.stored}
        start = next((found[p] for p in PROFILE_PREFERENCE if p in found), None)
        if start is None:
            raise Refused(
                f"Tidak ada profil tingkat indikator tersimpan (resmi, rekonstruksi atau mandiri) "
                f"untuk {name} tahun {args.year}."
            )
        fw = start.framework
        costs = load_costs(con, code, fw)
    finally:
        con.close()
    target = None if args.target is None else _plan_target(args.target, fw)
    settings = PlanSettings(
        mode="target" if target is not None else "anggaran",
        target=target,
        budget=budget,
        locked=locked,
        one_step=bool(annual),  # a roadmap: one level per indicator per year (as in the deck)
        annual_budgets=annual or (),
        years=args.years,
    )
    plan = run_plan(start.profile(), settings, fw, costs.mapping(), None, args.year + 1)
    roadmap = getattr(plan, "roadmap", None)
    if roadmap is not None:
        data = roadmap.to_json()
    else:
        raises = {str(n): [frm, to] for n, (frm, to) in plan.raises.items()}
        data = {
            "feasible": bool(plan.feasible),
            "total_cost": _whole_rupiah(plan.total_cost),
            "index_before": float(plan.index_before),
            "index_after": float(plan.index_after),
            "years": [
                {
                    "year": args.year + 1,
                    "cost": _whole_rupiah(plan.total_cost),
                    "index_after": float(plan.index_after),
                    "raises": raises,
                }
            ],
        }
    if args.format == "json":
        import json

        print(json.dumps(data, ensure_ascii=False, indent=1))
        return EXIT_OK
    head = f"Rencana SPBE {name}, profil awal {provenance_label(start.provenance, args.year)}"
    print(head if str(args.year) in head else f"{head} ({args.year})")
    print(costs.caption())
    for label, value in settings.describe(fw, args.year + 1):
        print(f"{label}: {value}")
    print()
    _print_plan_years(data, plan, roadmap, budget)
    return EXIT_OK


def _check_plan_options(args, budget, annual) -> None:
    if args.target is None and budget is None and not annual:
        raise Refused(
            "Isi --target (predikat atau indeks) atau --budget (Rupiah), atau --annual-budget "
            "dengan --years untuk indeks tertinggi dalam sejumlah tahun."
        )
    if budget is not None and annual is not None:
        raise Refused(
            "--budget (satu anggaran) dan --annual-budget (anggaran per tahun) tidak dapat "
            "dipakai bersama. Untuk indeks tertinggi dalam N tahun: --annual-budget RP --years N."
        )
    if args.years is not None and annual is None:
        raise Refused("--years hanya berlaku bersama --annual-budget (anggaran per tahun).")
    if annual is not None and args.target is None and args.years is None:
        raise Refused("Tanpa --target, --annual-budget memerlukan --years (jumlah tahun).")
    if args.years is not None and not 1 <= args.years <= 30:
        raise Refused(f"--years {args.years} tidak valid: harus 1–30 tahun.")


def _indicator_list(text: str | None) -> tuple[int, ...]:
    """'1,5, 42' -> (1, 5, 42); refused when a part is not a whole number."""
    if not text:
        return ()
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise Refused(f"--lock '{text}': tulis nomor indikator dipisah koma, misalnya 1,5,42.")
    return tuple(sorted({int(p) for p in parts}))


def _plan_target(text: str, fw):
    """A band name (any case) or an index with a decimal comma or point, as PlanSettings takes."""
    for band in fw.bands:
        if band.name.casefold() == " ".join(text.split()).casefold():
            return band.name
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        names = ", ".join(b.name for b in fw.bands[1:])
        raise Refused(f"Target '{text}' bukan predikat ({names}) atau nilai indeks (mis. 2,60).")
    return value


def _whole_rupiah(amount: float) -> int:
    return int(Decimal(repr(float(amount))).to_integral_value(ROUND_HALF_UP))


def _print_plan_years(data: dict, plan, roadmap, budget) -> None:
    from spbe.core.formatting import format_index, format_rupiah

    years = roadmap.years if roadmap is not None else ()
    budgets = [y.budget for y in years] or [budget]
    predicates = [y.predicate_after for y in years] or [plan.predicate_after]
    rows = [("Tahun", "Biaya", "Anggaran", "Indeks sesudah", "Indikator naik (dari→ke)")]
    for entry, limit, predicate in zip(data["years"], budgets, predicates):
        raised = ", ".join(f"{n} ({a}→{b})" for n, (a, b) in entry["raises"].items()) or "–"
        rows.append(
            (
                str(entry["year"]),
                format_rupiah(entry["cost"]),
                "–" if limit is None else format_rupiah(limit),
                f"{format_index(entry['index_after'])} {predicate}",
                raised,
            )
        )
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    for row in rows:
        print("  ".join([*(c.ljust(w) for c, w in zip(row, widths)), row[4]]).rstrip())
    span = f" dalam {len(data['years'])} tahun" if roadmap is not None else ""
    before = f"{format_index(plan.index_before)} ({plan.predicate_before})"
    after = f"{format_index(plan.index_after)} ({plan.predicate_after})"
    if plan.target is None:
        result = f"indeks tertinggi{span}: {before} → {after}"
    elif plan.feasible:
        result = f"target tercapai{span}: {before} → {after}"
    else:
        result = f"target TIDAK tercapai{span}; indeks tertinggi yang dapat dicapai {after}"
    print(f"\nHasil: {result}; biaya total {format_rupiah(data['total_cost'])}.")


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
    template = add(
        "template", "Templat Excel nilai indikator, atau isian satu OPD.", cmd_template, db=False
    )
    template.add_argument("file", help="berkas .xlsx tujuan")
    add_template_arguments(template)  # --instansi --year --opd
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
    add_deck_arguments(deck)
    plan = add(
        "plan",
        "Rencana kenaikan indeks: termurah menuju target, terbaik dalam anggaran, atau peta jalan "
        "per tahun dengan anggaran tahunan.",
        cmd_plan,
    )
    plan.add_argument("--instansi", required=True, help="nama atau kode instansi")
    plan.add_argument("--year", type=int, required=True, help="tahun profil awal")
    goal = plan.add_mutually_exclusive_group()
    goal.add_argument("--target", help="predikat (mis. Baik) atau indeks (mis. 2,75)")
    goal.add_argument(
        "--budget", help="satu anggaran, mis. 750000000, 'Rp 750.000.000', '1,5 miliar'"
    )
    plan.add_argument(
        "--annual-budget",
        help="anggaran per tahun: satu angka, atau satu per tahun dipisah koma atau titik koma "
        "(yang terakhir berulang); satu tingkat per indikator per tahun",
    )
    plan.add_argument(
        "--years",
        type=int,
        help="dengan --annual-budget: paling lama N tahun (--target, bawaan 10) atau tepat N "
        "tahun (tanpa --target: indeks tertinggi)",
    )
    plan.add_argument("--lock", help="indikator yang tidak diubah, mis. 1,5,42")
    plan.add_argument("--format", choices=("table", "json"), default="table")
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
