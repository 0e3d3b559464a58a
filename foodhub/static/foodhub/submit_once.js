// A second click while the first submit is on its way would only be ignored by the server
// (idempotency key); disabling the button spares the operator the wait. A static file, not an
// inline script: the Content-Security-Policy allows no inline script.
document.querySelectorAll("form.staff-form").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[data-once]").forEach(function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
});
