// Progressive enhancement only: without this the hint still gives the limit
// and the server still refuses a note that is too long, beside the field.
// Shows "Characters left: 740" under every textarea[data-max-chars] as it is
// typed. Screen readers hear the count only as the limit comes near (and when
// it is passed), not at every key: a polite live region, updated at thresholds.
(function () {
  "use strict";
  var THRESHOLDS = [200, 100, 50, 20, 0];

  function say(template, count) {
    return template.replace("{count}", count.toLocaleString("en-IN"));
  }

  function band(left) {
    // Which threshold the count has reached: -1 before the first one.
    if (left < 0) { return THRESHOLDS.length; }
    var reached = -1;
    THRESHOLDS.forEach(function (limit, index) { if (left <= limit) { reached = index; } });
    return reached;
  }

  function length(text) {
    // Characters as the server counts them: an emoji is one, not two UTF-16 units.
    return Array.from(text).length;
  }

  function enhance(field) {
    var limit = parseInt(field.getAttribute("data-max-chars"), 10);
    if (!limit) { return; }
    var counter = document.createElement("p");
    counter.className = "form-text char-count";
    counter.id = field.id + "-count";
    counter.setAttribute("aria-hidden", "true");
    var announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", announcer);
    field.insertAdjacentElement("afterend", counter);
    var lastBand = band(limit - length(field.value));

    function update() {
      var left = limit - length(field.value);
      var text = left < 0
        ? say(field.getAttribute("data-chars-over"), -left)
        : say(field.getAttribute("data-chars-left"), left);
      counter.textContent = text;
      counter.classList.toggle("char-count-over", left < 0);
      var now = band(left);
      if (now !== lastBand) {
        lastBand = now;
        announcer.textContent = now >= 0 ? text : "";
      }
    }
    field.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("textarea[data-max-chars]").forEach(enhance);
})();
