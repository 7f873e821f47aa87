// Copy the new token with one click where the browser allows it; selecting the field works too.
(function () {
  var field = document.getElementById("new-token"), button = document.getElementById("copy-token");
  var status = document.getElementById("copy-status");
  if (!field) return;
  field.addEventListener("focus", function () { field.select(); });
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      status.textContent = status.dataset.copied;
    });
  });
})();
