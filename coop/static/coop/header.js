// The header: on a phone the menu button folds the co-op, the account, the language, the
// navigation and the timer's start away (site.css), so that the header is one row; and the
// language menu applies a language as soon as it is chosen. Without JavaScript everything stays
// shown and the language form has its button.
(function () {
  var header = document.querySelector("header.top");
  var toggle = document.getElementById("menu-toggle");
  if (header && toggle) {
    var setOpen = function (open) {
      header.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    };
    header.classList.add("has-menu");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      setOpen(!header.classList.contains("menu-open"));
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && header.classList.contains("menu-open") &&
          !event.target.closest("details[open]")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  var language = document.querySelector("form.language-switcher");
  if (language) {
    var select = language.querySelector("select");
    var button = language.querySelector("button[type=submit]");
    if (button) button.hidden = true;
    select.addEventListener("change", function () { language.requestSubmit(); });
  }
})();
