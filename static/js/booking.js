// Progressive enhancement only: the form works the same without this.
// Shows the helper's questions only to someone who says they are helping.
(function () {
  "use strict";
  var form = document.querySelector(".booking-form");
  if (!form) { return; }
  var section = form.querySelector(".caregiver-fields");
  var radios = form.querySelectorAll('input[name="submitted_by"]');
  function update() {
    var checked = form.querySelector('input[name="submitted_by"]:checked');
    if (section) { section.hidden = !!checked && checked.value === "patient"; }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
