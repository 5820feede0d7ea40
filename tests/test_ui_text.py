"""No internal code in any UI text (issue #16): on every page (AppTest through app.py), for both
instansi of the default pair, the text a user reads — headings, paragraphs, captions, alerts,
metrics, widget labels and options, table cells and headers, chart titles, labels and hovers —
never shows an instansi code such as "kota-ternate" or "prov-maluku-utara"."""

from __future__ import annotations

import json
import re

import pytest

from spbe import store, ui
from tests.helpers_app import exception_texts, new_app_test, open_page
from tests.test_app import PAGES, app_db, caches, seeded_template  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def code_pattern(seeded_store):
    con = store.open_read_only(seeded_store)
    try:
        codes = [c for c in store.instansi_table(con)["code"] if "-" in c]
    finally:
        con.close()
    assert "kota-ternate" in codes and "prov-maluku-utara" in codes
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


def _chart_texts(spec: str) -> list[str]:
    """The strings a reader sees in a Plotly spec: titles, axis and tick labels, text, hovers,
    legend names and annotations (not colours, ids or uids)."""
    found: list[str] = []
    seen = {"title", "text", "name", "hovertext", "hovertemplate", "ticktext", "y", "x"}

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and key in seen:
            found.append(node)

    figure = json.loads(spec)
    walk(figure.get("data", []))
    layout = dict(figure.get("layout", {}))
    layout.pop("template", None)
    walk(layout)
    return found


def visible_texts(at) -> list[str]:
    texts: list[str] = []
    for kind in (
        "title", "header", "subheader", "markdown", "caption", "text", "code", "latex",
        "info", "warning", "error", "success", "exception", "toast",
    ):  # fmt: skip
        texts += [str(e.value) for e in at.get(kind)]
    for metric in at.metric:
        texts += [metric.label, str(metric.value), str(metric.delta or "")]
    for kind in ("selectbox", "radio", "multiselect", "select_slider"):
        for widget in at.get(kind):
            texts += [widget.label, *map(str, widget.options), str(widget.help or "")]
    for kind in ("button", "checkbox", "toggle", "text_input", "number_input", "date_input",
                 "text_area", "expander", "tab", "download_button"):  # fmt: skip
        for widget in at.get(kind):
            texts.append(str(getattr(widget, "label", "")))
            texts.append(str(getattr(widget, "help", "") or ""))
    for kind in ("dataframe", "table"):
        for frame in at.get(kind):
            value = frame.value
            texts += [str(c) for c in value.columns]
            texts += [str(v) for v in value.astype(str).to_numpy().ravel()]
            if value.index.dtype == object:
                texts += [str(i) for i in value.index]
    for chart in at.get("plotly_chart"):
        texts += _chart_texts(chart.proto.spec)
    return texts


@pytest.mark.parametrize("page", PAGES, ids=[p.test_id for p in PAGES])
def test_no_instansi_code_in_any_text_a_user_reads(app_db, page, code_pattern):  # noqa: F811
    at = open_page(new_app_test(), page)
    for instansi, comparison in (
        (ui.DEFAULT_INSTANSI, ui.DEFAULT_COMPARISON),
        (ui.DEFAULT_COMPARISON, ui.DEFAULT_INSTANSI),
    ):
        at.selectbox(key=ui.KEY_INSTANSI).set_value(instansi)
        at.selectbox(key=ui.KEY_COMPARISON).set_value(comparison).run()
        for year in at.selectbox(key=ui.KEY_YEAR).options:  # 2025: the comparison has no result
            at.selectbox(key=ui.KEY_YEAR).set_value(int(str(year).split(" ")[0])).run()
            assert not at.exception, "\n".join(exception_texts(at))
            texts = visible_texts(at)
            assert len(texts) > 10, f"{page.title}: too little text collected: {texts!r}"
            leaks = sorted(
                {m.group(0) + " ← " + t[:120] for t in texts for m in code_pattern.finditer(t)}
            )
            where = f"{page.title} ({instansi} {year})"
            assert leaks == [], f"{where}: internal codes shown:\n" + "\n".join(leaks)
