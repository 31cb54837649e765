// A link clicked with the chosen key held: its download stays in the browser.
'use strict';
(() => {
  const api = globalThis.browser ?? globalThis.chrome;
  let modifier = 'alt';
  api.storage.local.get('modifier').then((o) => {
    if (o && o.modifier) modifier = o.modifier;
  });
  api.storage.onChanged.addListener((changes) => {
    if (changes.modifier) modifier = changes.modifier.newValue || 'alt';
  });
  const held = (e) =>
    (modifier === 'alt' && e.altKey) || (modifier === 'shift' && e.shiftKey) ||
    (modifier === 'ctrl' && e.ctrlKey) || (modifier === 'meta' && e.metaKey);
  const onClick = (e) => {
    if (modifier === 'none' || !held(e)) return;
    const a = e.target && e.target.closest && e.target.closest('a[href]');
    if (a) api.runtime.sendMessage({ type: 'letThrough', url: a.href }).catch(() => {});
  };
  addEventListener('click', onClick, true);
  addEventListener('auxclick', onClick, true);
})();
