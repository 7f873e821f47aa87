/* Keep quorum and threshold on the bylaws floors of the chosen kind while they are untouched. */
(function () {
  var defaults = JSON.parse(document.getElementById("bylaws-defaults").textContent);
  var kind = document.getElementById("id_kind"), method = document.getElementById("id_method");
  var quorum = document.getElementById("id_quorum"), threshold = document.getElementById("id_threshold");
  function expected(k, m) {
    var terms = defaults[k] || {};
    return {quorum: terms.quorum, threshold: m === "supermajority" ? terms.supermajority : terms.threshold};
  }
  var shown = expected(kind.value, method.value);
  function update() {
    var next = expected(kind.value, method.value);
    if (quorum.value === shown.quorum) { quorum.value = next.quorum; }
    if (threshold.value === shown.threshold) { threshold.value = next.threshold; }
    shown = next;
  }
  kind.addEventListener("change", update);
  method.addEventListener("change", update);
})();
/* Show only the chosen action's details; without JavaScript every group stays shown under its heading. */
(function () {
  var action = document.getElementById("id_action");
  if (!action) { return; }
  var groups = document.querySelectorAll("fieldset.action-details");
  function update() {
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-action") !== action.value;
    }
  }
  action.addEventListener("change", update);
  update();
})();
