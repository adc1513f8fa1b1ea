// Small enhancements only: every page works without this script.
(function () {
  "use strict";

  // "/" focuses the search box (unless typing in a field already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.querySelector("input[name=q]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Do not submit an empty search from the header box: nothing to look for.
  document.querySelectorAll("form[role=search]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var box = form.querySelector("input[name=q]");
      var filters = form.querySelectorAll("input[type=hidden]");
      if (box && !box.value.trim() && filters.length === 0) {
        event.preventDefault();
        box.focus();
      }
    });
  });
})();
