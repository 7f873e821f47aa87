// A cell of the week grid posts its own value as `value` (the Content-Security-Policy allows no
// eval, so not through an `hx-vals="js:…"` expression).
document.addEventListener("htmx:configRequest", function (event) {
  var cell = event.detail.elt;
  if (cell.matches && cell.matches("input.duration[data-cell]")) {
    event.detail.parameters.value = cell.value;
  }
});
