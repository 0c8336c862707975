// Keyboard help for inline forms: Escape (or the Cancel button) puts the
// original content back. Native <dialog> elements close on Escape by themselves.
(function () {
  function cancel(form) {
    if (form && form.dataset.cancelUrl && window.htmx) {
      htmx.ajax("GET", form.dataset.cancelUrl, { target: form, swap: "outerHTML" });
    }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      cancel(event.target.closest && event.target.closest("form[data-cancel-url]"));
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-cancel]");
    if (button) {
      cancel(button.closest("form[data-cancel-url]"));
    }
    var opener = event.target.closest && event.target.closest("[data-open-dialog]");
    if (opener) {
      var dialog = document.getElementById(opener.dataset.openDialog);
      if (dialog) { event.preventDefault(); dialog.showModal(); }
    }
    var closer = event.target.closest && event.target.closest("[data-close-dialog]");
    if (closer) {
      var open = closer.closest("dialog");
      if (open) { event.preventDefault(); open.close(); }
    }
  });
  // Focus the first field of content htmx just swapped in (inline edit forms).
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail.elt;
    var field = element.matches && element.matches("[autofocus]") ? element
      : element.querySelector && element.querySelector("[autofocus]");
    if (field) { field.focus(); }
  });
})();
