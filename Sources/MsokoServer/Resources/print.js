// «Печать» buttons: the pages' Content-Security-Policy allows no inline handlers.
document.querySelectorAll('[data-print]').forEach(function (b) {
  b.addEventListener('click', function () { window.print(); });
});
