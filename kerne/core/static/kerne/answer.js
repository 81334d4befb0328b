// The rater's form: focus the error summary after a refused submit, and warn before leaving with
// text that has not been saved yet (answers and comments are saved in the background by htmx).
(function () {
  "use strict";
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  var form = document.querySelector("form[data-warn-unsaved]");
  if (!form) { return; }
  var pending = 0;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  document.body.addEventListener("htmx:beforeRequest", function () { pending += 1; });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    pending = Math.max(0, pending - 1);
    if (event.detail.successful && pending === 0) { dirty = false; }
  });
  form.addEventListener("submit", function () { dirty = false; pending = 0; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty || pending > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
