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
})();
