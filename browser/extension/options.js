'use strict';
(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  const $ = (id) => document.getElementById(id);
  const o = Object.assign({}, BT_DEFAULTS, await api.storage.local.get(null));
  $('minSizeKiB').value = o.minSizeKiB;
  $('fileTypes').value = o.fileTypes;
  $('neverSites').value = o.neverSites;
  $('modifier').value = o.modifier;
  $('form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await api.storage.local.set({
      minSizeKiB: Math.max(0, Math.floor(Number($('minSizeKiB').value) || 0)),
      fileTypes: $('fileTypes').value.trim(),
      neverSites: $('neverSites').value.trim(),
      modifier: $('modifier').value,
    });
    $('saved').textContent = 'Saved.';
  });
  document.body.dataset.ready = 'yes';
})();
