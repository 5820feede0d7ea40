"""Benchmark: hostile uploads are accepted or refused in bounded time and memory (issue #14, 3).

Every file is generated here, in a temporary directory, small on disk: the hostile ones with the
raw zipfile writer of tests/data/make_bad_workbooks.py (sheet XML streamed into the zip), the
reference with openpyxl like benchmarks/bench_store.py (650 instansi x 47 indicators = 30,550
valid rows).

Each file is built by one child process (``--build``) and measured by a fresh one per pipeline
(``--child PIPELINE FILE``):
  import  what spbe.services.imports.import_workbook does before the store: check_xlsx, then
          read_levels_workbook;
  reader  read_levels_workbook alone (defence in depth: a caller that skips check_xlsx).
Time: wall clock and CPU time of check + read inside the child (interpreter start and imports
excluded). Peak memory: the child's peak RSS, ru_maxrss of the rusage os.wait4 returns for that
child (the kernel's counter that getrusage(RUSAGE_CHILDREN) aggregates). It is the whole process,
including what Python, pandas and openpyxl take before reading ("base": the child's VmHWM just
before reading). Linux carries the spawning process's peak RSS into a child's ru_maxrss at exec,
so this parent imports only the standard library and builds nothing itself (it stays ~10 MB).

Goal: every case within 10 s and 400 MB on the shared 2-core machine. Ratios are to the valid
reference measured in the same run, same pipeline. Run: python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS, GOAL_MB = 10.0, 400
MAX_ROWS = 100_000  # spbe.files.uploads.MAX_ROWS; checked in build() (no heavy import up here)
NAMES = [f"Kabupaten {n:03d}" for n in range(650)]
HEADER = ("Instansi", "Tahun", "Indikator", "Tingkat", "Sumber", "Catatan")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MB = 1 << 20
CASES = (  # name, builder, argument
    ("referensi: 30.550 baris sah (openpyxl)", "reference", 650 * 47),
    ("1.000.000 baris kosong, tanpa <dimension>", "blank_rows", 1_000_000),
    ("1.000.000 baris tidak sah (pendek, tanpa r)", "short_invalid_rows", 1_000_000),
    ("1.000.000 baris tidak sah (lengkap)", "invalid_rows", 1_000_000),
    (f"{MAX_ROWS - 1:_} baris tidak sah".replace("_", "."), "invalid_rows", MAX_ROWS - 1),
    (f"{MAX_ROWS - 1:_} baris, tiap sel salah".replace("_", "."), "all_wrong", MAX_ROWS - 1),
    (f"{MAX_ROWS - 1:_} baris sah, teks bersama".replace("_", "."), "valid_raw", MAX_ROWS - 1),
    ("<dimension A1:F2> palsu, 1.000.000 baris", "false_dimension", 1_000_000),
    ("bom zip: lembar 400 MB, ukuran jujur", "sheet_bomb", 400),
    ("bom zip: lembar 400 MB, file_size palsu 5 KB", "falsified_bomb", 400),
    ("2.000.000 teks bersama", "many_shared_strings", 2_000_000),
    ("sel di kolom XFD, 1.000.000 baris", "far_columns", 1_000_000),
)


def lookup() -> dict[str, str]:
    from spbe.core.instansi import spelling_lookup

    return spelling_lookup((f"kab-{n:03d}", name) for n, name in enumerate(NAMES))


# -- the files (built in a child process) ---------------------------------------------------------


def valid_rows(count: int):
    """Distinct (instansi, year, indicator) rows: 650 instansi x 47 indicators per year."""
    for n in range(count):
        year, rest = divmod(n, 650 * 47)
        yield NAMES[rest // 47], 2025 - year, rest % 47 + 1, n % 5 + 1, "ilustrasi", "sintetis"


def reference(count: int) -> bytes:
    import io

    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nilai Indikator")
    sheet.append(list(HEADER))
    for row in valid_rows(count):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shared(texts) -> bytes:
    strings = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return f'<sst xmlns="{MAIN}" count="{len(texts)}">{strings}</sst>'.encode()


def valid_raw(count: int) -> bytes:
    """``count`` valid rows, the way Excel saves them: text in the shared string table."""
    from tests.data.make_bad_workbooks import raw_workbook

    texts = [*HEADER, *NAMES, "ilustrasi", "sintetis"]
    index = {text: k for k, text in enumerate(texts)}

    def row(number: int, values) -> bytes:
        cells = "".join(
            f'<c r="{"ABCDEF"[k]}{number}" t="s"><v>{index[v]}</v></c>'
            if isinstance(v, str)
            else f'<c r="{"ABCDEF"[k]}{number}"><v>{v}</v></c>'
            for k, v in enumerate(values)
        )
        return f'<row r="{number}">{cells}</row>'.encode()

    rows = (row(n, values) for n, values in enumerate(valid_rows(count), start=2))
    members = {"xl/sharedStrings.xml": _shared(texts)}
    return raw_workbook([row(1, HEADER), *rows], members=members, level=6)


def invalid_rows(count: int) -> bytes:
    """``count`` full rows with Tingkat 9 (one problem each), text from the shared strings."""
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    rows = (
        f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c><c r="B{n}"><v>2024</v></c>'
        f'<c r="C{n}"><v>{n % 47 + 1}</v></c><c r="D{n}"><v>9</v></c>'
        f'<c r="E{n}" t="s"><v>1</v></c></row>'.encode()
        for n in range(2, count + 2)
    )
    members = {"xl/sharedStrings.xml": _shared(["Kabupaten 000", "mandiri"])}
    return raw_workbook([row_xml(1, HEADER), *rows], members=members, level=9)


def short_invalid_rows(count: int) -> bytes:
    """``count`` rows of one number in Instansi, rows and cells without r (five problems each)."""
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    rows = (b"<row><c><v>%d</v></c></row>" % (n % 1000) for n in range(count))
    return raw_workbook([row_xml(1, HEADER), *rows], level=9)


def all_wrong(count: int) -> bytes:
    """Every required cell wrong, a different unknown instansi on every row (inline strings)."""
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    rows = (
        row_xml(n, (f"Kabupaten Tidak Ada {n}", "dua ribu", 2.5, 0, "KemenPAN", None))
        for n in range(2, count + 2)
    )
    return raw_workbook([row_xml(1, HEADER), *rows], level=9)


def blank_rows(count: int) -> bytes:
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    return raw_workbook([row_xml(1, HEADER), *(b'<row r="%d"/>' % n for n in range(2, count + 2))])


def false_dimension(count: int) -> bytes:
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    rows = (b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n) for n in range(2, count + 2))
    return raw_workbook([row_xml(1, HEADER), *rows], dimension="A1:F2", level=9)


def sheet_bomb(megabytes: int) -> bytes:
    """A sheet of ``megabytes`` MB: a valid row, then spaces (whitespace is valid XML)."""
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    good = row_xml(2, ("Kabupaten 000", 2024, 1, 2, "mandiri", None))
    return raw_workbook([row_xml(1, HEADER), good, *([b" " * MB] * megabytes)], level=9)


def falsified_bomb(megabytes: int) -> bytes:
    from tests.data.make_bad_workbooks import falsify_sizes

    return falsify_sizes(sheet_bomb(megabytes), "xl/worksheets/sheet1.xml", file_size=5_000)


def many_shared_strings(count: int) -> bytes:
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    chunks = (
        b"".join(b"<si><t>%d</t></si>" % k for k in range(start, min(start + 10_000, count)))
        for start in range(0, count, 10_000)
    )
    strings = [f'<sst xmlns="{MAIN}">'.encode(), *chunks, b"</sst>"]
    row = b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    members = {"xl/sharedStrings.xml": strings}
    return raw_workbook([row_xml(1, HEADER), row], members=members, level=9)


def far_columns(count: int) -> bytes:
    from tests.data.make_bad_workbooks import raw_workbook, row_xml

    rows = (b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(2, count + 2))
    return raw_workbook([row_xml(1, HEADER), *rows], level=9)


def build(index: int, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from spbe.files import uploads

    assert uploads.MAX_ROWS == MAX_ROWS, "update MAX_ROWS in this benchmark"
    _name, builder, argument = CASES[index]
    Path(path).write_bytes(globals()[builder](argument))


# -- the measured child: one pipeline on one file -------------------------------------------------


def _vm_hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(pipeline: str, path: str) -> None:
    sys.path.insert(0, str(ROOT))
    from spbe.files.common import WorkbookError
    from spbe.files.levels import read_levels_workbook
    from spbe.files.uploads import UploadError, check_xlsx

    data = Path(path).read_bytes()
    names = lookup()
    base = _vm_hwm_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    step = "check_xlsx"
    try:
        if pipeline == "import":
            check_xlsx(data, Path(path).name)
        step = "read_levels_workbook"
        upload = read_levels_workbook(data, instansi_lookup=names, file_name=Path(path).name)
        outcome = f"diterima: {len(upload.rows):_} baris".replace("_", ".")
    except (UploadError, WorkbookError) as exc:
        lines = str(exc).splitlines()
        detail = lines[1].removeprefix("- ") if len(lines) > 1 else lines[0]
        if isinstance(exc, WorkbookError):
            step += f", {exc.total:_} masalah, {len(exc.problems):_} disimpan".replace("_", ".")
        outcome = f"ditolak ({step}): {detail}"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result = {"outcome": outcome, "wall": wall, "cpu": cpu, "base": base, "hwm": _vm_hwm_mb()}
    print(json.dumps(result))


def run(args: list[str]) -> tuple[dict, float]:
    """Run this script with ``args`` in a child; its JSON line (if any) and its peak RSS in MB."""
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out = proc.stdout.read().strip()
    proc.stdout.close()
    if proc.returncode != 0:
        return {"outcome": f"GAGAL (exit {proc.returncode})", "wall": 0.0, "cpu": 0.0}, 0.0
    return (json.loads(out.splitlines()[-1]) if out else {}), usage.ru_maxrss / 1024


def main() -> None:
    print(__doc__.split("\n\n")[0])
    print(f"load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores)\n")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "berkas.xlsx"
        for index, (name, _builder, _argument) in enumerate(CASES):
            built, _ = run(["--build", str(index), str(path)])
            if not path.exists():
                raise SystemExit(f"building {name!r} failed: {built}")
            size = path.stat().st_size
            for pipeline in ("import", "reader"):
                result, rss = run(["--child", pipeline, str(path)])
                results.append((name, size, pipeline, result, rss))
            path.unlink()
    ref = {p: (r, rss) for name, _, p, r, rss in results if name == CASES[0][0]}
    head = (
        f"{'case':44} {'disk MB':>7} {'pipeline':8} {'wall s':>6} {'CPU s':>6} {'RSS MB':>6} "
        f"{'base':>4} {'x wall':>6} {'x RSS':>5}  ok  outcome"
    )
    print(head)
    print("-" * len(head))
    worst_wall = worst_rss = 0.0
    for name, size, pipeline, r, rss in results:
        ok = r["wall"] < GOAL_SECONDS and rss < GOAL_MB and not r["outcome"].startswith("GAGAL")
        worst_wall, worst_rss = max(worst_wall, r["wall"]), max(worst_rss, rss)
        ref_result, ref_rss = ref[pipeline]
        print(
            f"{name:44} {size / MB:7.2f} {pipeline:8} {r['wall']:6.2f} {r['cpu']:6.2f} {rss:6.0f} "
            f"{r.get('base', 0):4.0f} {r['wall'] / ref_result['wall']:6.2f} {rss / ref_rss:5.2f}  "
            f"{'ja' if ok else 'TIDAK'}  {r['outcome'][:140]}"
        )
    print(
        f"\nworst: {worst_wall:.2f} s, {worst_rss:.0f} MB peak RSS "
        f"(goal < {GOAL_SECONDS:.0f} s and < {GOAL_MB} MB per file)"
    )
    print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "--build":
        build(int(sys.argv[2]), sys.argv[3])
    else:
        main()
