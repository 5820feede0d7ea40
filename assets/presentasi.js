(function () {
  if (window.spbeSlideKeys) { return; }
  window.spbeSlideKeys = true;
  const keys = {ArrowRight: "slide_next", PageDown: "slide_next",
                ArrowLeft: "slide_prev", PageUp: "slide_prev"};
  document.addEventListener("keydown", function (event) {
    const key = keys[event.key];
    if (!key || event.target.closest("input, textarea, select, [contenteditable='true']")) { return; }
    const button = document.querySelector(".st-key-" + key + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });

  // Fit: when a slide's text does not fit its screen (a long name, a small projector), shrink
  // it (--fit, read by presentasi.css) in steps until it does, never below 60 %.
  const root = document.documentElement;
  function overflows(slide) {
    if (slide.scrollHeight > slide.clientHeight + 1) { return true; }
    return Array.from(slide.querySelectorAll(".st-key-slide_body")).some(function (body) {
      // beside a chart the text grows with its column's content: compare with the column
      const frame = (body.closest("[data-testid='stColumn']") || body).getBoundingClientRect();
      const right = body.getBoundingClientRect().right;
      const wide = Array.from(body.querySelectorAll("table")).some(function (table) {
        return table.getBoundingClientRect().right > right + 1;  // the table box clips it
      });
      return wide || body.getBoundingClientRect().bottom > frame.bottom + 1 ||
        body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1;
    });
  }
  function fit() {
    const slide = document.querySelector(".st-key-slide");
    if (!slide) { return; }
    let scale = 1;
    root.style.setProperty("--fit", "1");
    while (scale > 0.6 && overflows(slide)) {
      scale = Math.round((scale - 0.05) * 100) / 100;
      root.style.setProperty("--fit", String(scale));
    }
  }
  let queued = false;
  function schedule() {
    if (queued) { return; }
    queued = true;
    requestAnimationFrame(function () { queued = false; fit(); });
  }
  function outsideCharts(record) {
    const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
    return !node || !node.closest(".js-plotly-plot");
  }
  new MutationObserver(function (records) {
    if (records.some(outsideCharts)) { schedule(); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  window.addEventListener("resize", schedule);
  if (document.fonts) { document.fonts.ready.then(schedule); }
  schedule();
})();
