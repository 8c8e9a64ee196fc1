// Sentinel: small progressive enhancements only; every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before disabling an account: a mis-click locks a colleague out.
  document.querySelectorAll('form[action$="/disable"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(document.documentElement.lang === "en" ? "Disable this account?" : "Khoá tài khoản này?")) {
        event.preventDefault();
      }
    });
  });
});

// Print buttons (inline handlers are not allowed by the content security policy).
document.addEventListener('click', (event) => {
  if (event.target instanceof Element && event.target.closest('[data-print]')) window.print();
});

// A choice that leads to the next step (the commune before the sampling sites) goes on by itself; the button stays
// for browsers without this file.
document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.hasAttribute('data-autosubmit') && event.target.value) event.target.form.submit();
});
