// Every page: after a refused form, move the focus to the error summary, so a screen reader reads
// it and a keyboard user starts from the list of what to correct (each item links to its field).
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
})();
