// Progressive enhancement only: after a form comes back with mistakes, move
// the focus to the summary of them, so a screen reader reads it first and a
// keyboard user starts from the list of links to each answer to fix.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
