// The rater's form: warn before leaving with text that has not been saved yet (answers and
// comments are saved in the background by htmx). The error summary is focused by kerne.js.
(function () {
  "use strict";
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
