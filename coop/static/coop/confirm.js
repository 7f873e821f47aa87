// Ask before a form does what cannot be undone. A form that carries
//   <form data-confirm="Delete this entry?" data-confirm-action="Delete">
// (or a submit button that carries them, for a form whose other buttons need no question)
// opens the modal dialog of base.html (coop/partials/confirm_dialog.html) instead of submitting:
// Cancel or Escape closes it and gives the focus back; the confirm button submits the form once,
// with the button that was pressed. Without JavaScript (or <dialog>) the form submits as before.
(function () {
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var question = document.getElementById("confirm-dialog-question");
  var confirmButton = dialog.querySelector("[data-confirm-ok]");
  var cancelButton = dialog.querySelector("[data-confirm-cancel]");
  var pending = null, submitter = null, returnFocus = null;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter || null;
    var asker = button && button.hasAttribute("data-confirm") ? button
      : form.hasAttribute("data-confirm") ? form : null;
    if (!asker) return;
    if (form.dataset.confirmed === "yes") return;  // the confirmed submit, let it through
    event.preventDefault();
    if (dialog.open) return;
    pending = form;
    submitter = button;
    returnFocus = submitter || document.activeElement;
    question.textContent = asker.dataset.confirm;
    confirmButton.textContent = asker.dataset.confirmAction || confirmButton.dataset.defaultLabel;
    confirmButton.disabled = false;
    dialog.returnValue = "";
    dialog.showModal();
    cancelButton.focus();  // the safe choice first: Enter right away cancels
  });

  confirmButton.addEventListener("click", function () {
    var form = pending;
    if (!form) return;  // a second click: the form is already on its way
    pending = null;
    confirmButton.disabled = true;
    dialog.close("confirm");
    form.dataset.confirmed = "yes";
    if (submitter && submitter.form === form) form.requestSubmit(submitter);
    else form.requestSubmit();
    delete form.dataset.confirmed;  // requestSubmit dispatched synchronously: ask again next time
  });

  cancelButton.addEventListener("click", function () { dialog.close("cancel"); });

  // Escape closes the dialog natively (a "cancel" event, then "close"), as does Cancel.
  // The "close" event comes in a task of its own: a quick hand (Enter on Cancel, then Enter on
  // the form's button) can reopen the dialog before it arrives. A late "close" belongs to the
  // dialog that was, and must not forget the form the open one asks about, nor take its focus.
  dialog.addEventListener("close", function () {
    if (dialog.open) return;
    pending = null;
    if (dialog.returnValue !== "confirm" && returnFocus && document.contains(returnFocus)) {
      returnFocus.focus();
    }
  });
})();
