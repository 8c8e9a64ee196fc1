// Tracing run page: "select all" ticks every pending candidate.
(function () {
  var all = document.querySelector('[data-select-all]');
  if (!all) return;
  all.addEventListener('change', function () {
    document.querySelectorAll('input[type=checkbox][name^="p_"]').forEach(function (box) { box.checked = all.checked; });
  });
})();
