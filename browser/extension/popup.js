'use strict';
(async () => {
  const api = globalThis.browser ?? globalThis.chrome;
  const $ = (id) => document.getElementById(id);
  const { paused } = Object.assign({}, BT_DEFAULTS, await api.storage.local.get('paused'));
  const box = $('catch');
  const hint = () => {
    $('catchHint').textContent = box.checked
      ? 'Downloads go to BTFileStream; hold the chosen key while clicking to keep one here.'
      : 'Paused: the browser keeps every download.';
  };
  box.checked = !paused;
  hint();
  box.addEventListener('change', async () => {
    await api.storage.local.set({ paused: !box.checked });
    hint();
  });
  $('options').addEventListener('click', (e) => {
    e.preventDefault();
    api.runtime.openOptionsPage();
  });
  let answer;
  try {
    answer = await api.runtime.sendMessage({ type: 'status' });
  } catch (e) {
    answer = { ok: false, error: String(e.message || e) };
  }
  if (answer && answer.ok) {
    $('dot').className = 'dot ok';
    $('state').textContent = answer.running ? 'BTFileStream is running' : 'BTFileStream is reachable';
    $('detail').textContent = (answer.running ? '' : 'It starts in the tray with the next download. ') +
      'Version ' + answer.version + '.';
  } else {
    $('dot').className = 'dot bad';
    $('state').textContent = 'BTFileStream cannot be reached';
    $('detail').textContent = ((answer && answer.error) || 'no answer') +
      ' — downloads stay in the browser. Run: btfilestream --install-browser-integration';
  }
  document.body.dataset.ready = answer && answer.ok ? 'reachable' : 'unreachable';
})();
