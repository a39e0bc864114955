// Intake steps, a little help on top of plain forms (everything works without this file):
// ticking a whole group ticks its lines, unticking a line unticks its group, and the
// document's details stay folded while "No document" is chosen.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) { return; }
  form.addEventListener("change", function (event) {
    var box = event.target;
    var group = box.closest ? box.closest(".field-group") : null;
    if (group && box.hasAttribute("data-whole")) {
      group.querySelectorAll("input[data-in]").forEach(function (line) { line.checked = box.checked; });
    } else if (group && box.hasAttribute("data-in") && !box.checked) {
      var whole = group.querySelector("input[data-whole]");
      if (whole) { whole.checked = false; }
    }
    if (box.name === "instrument_type") { fold(); }
  });
  function fold() {
    var details = document.getElementById("document-details");
    var none = form.querySelector("input[name=instrument_type][value=none]");
    if (details && none) { details.hidden = none.checked; }
  }
  fold();
})();
