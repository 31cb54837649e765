// Catches the browser's downloads and hands them to BTFileStream through the native messaging
// host; the browser keeps any download the host does not confirm (never lost).
'use strict';

if (typeof importScripts === 'function') importScripts('rules.js'); // Chromium's worker

const api = globalThis.browser ?? globalThis.chrome;

// Links clicked with the modifier key held (modifier.js): their downloads stay in the browser.
const letThrough = new Map(); // url -> expiry (ms)

async function options() {
  return Object.assign({}, BT_DEFAULTS, await api.storage.local.get(null));
}

async function sendToHost(message) {
  try {
    const reply = await api.runtime.sendNativeMessage(BT_HOST, message);
    if (!reply || reply.ok !== true) return { ok: false, error: (reply && reply.error) || 'no answer' };
    return reply;
  } catch (e) {
    return { ok: false, error: String((e && e.message) || e) }; // no host installed, it crashed
  }
}

async function cookiesFor(url) {
  try {
    const list = await api.cookies.getAll({ url });
    return list.map((c) => ({ name: c.name, value: c.value }));
  } catch (e) {
    return [];
  }
}

async function downloadMessage(url, extra) {
  const message = { type: 'download', url, userAgent: navigator.userAgent };
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined && v !== null && v !== '') message[k] = v;
  }
  const cookies = await cookiesFor(url);
  if (cookies.length) message.cookies = cookies;
  return message;
}

function takeLetThrough(urls) {
  const now = Date.now();
  let hit = false;
  for (const [url, expiry] of letThrough) {
    if (expiry < now) letThrough.delete(url);
  }
  for (const url of urls) {
    if (url && letThrough.delete(url)) hit = true;
  }
  return hit;
}

// True when BTFileStream took the download (the browser's is cancelled and erased).
async function handOver(item) {
  if (item.byExtensionId) return false;
  if (takeLetThrough([item.url, item.finalUrl])) return false;
  if (btWhyNotCaught(item, await options())) return false;
  const message = await downloadMessage(item.url, {
    finalUrl: item.finalUrl !== item.url ? item.finalUrl : undefined,
    referrer: item.referrer,
    fileName: String(item.filename || '').split(/[\\/]/).pop(),
    size: item.fileSize >= 0 ? item.fileSize : item.totalBytes >= 0 ? item.totalBytes : undefined,
  });
  const reply = await sendToHost(message);
  if (!reply.ok) return false;
  await api.downloads.cancel(item.id).catch(() => {});
  // Firefox: it may have finished in the browser meanwhile (cancel does nothing then, and the
  // state may turn "complete" only a moment later); BTFileStream has it: no second copy.
  for (let i = 0; i < 50; ++i) {
    const [after] = await api.downloads.search({ id: item.id });
    if (!after || after.state === 'interrupted') break;
    if (after.state === 'complete') {
      await api.downloads.removeFile(item.id).catch(() => {});
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await api.downloads.erase({ id: item.id });
  return true;
}

if (api.downloads.onDeterminingFilename) {
  // Chromium: the download waits here, before anything is saved, until suggest() or cancel.
  api.downloads.onDeterminingFilename.addListener((item, suggest) => {
    handOver(item)
      .then((taken) => {
        if (!taken) suggest();
      })
      .catch(() => suggest());
    return true;
  });
} else {
  // Firefox has no such hook: the download runs on while BTFileStream is asked, and stops
  // only once it took it. (A paused download that the server cannot resume would be lost.)
  api.downloads.onCreated.addListener((item) => {
    if (item.state === 'in_progress') handOver(item).catch(() => {});
  });
}

// The context menu: one link, image or medium; or every link in the selection.
function createMenus() {
  // Promises in both browsers (Firefox's browser.* takes no callbacks).
  Promise.resolve(api.contextMenus.removeAll()).then(() => {
    api.contextMenus.create({
      id: 'bt-download',
      title: 'Download with BTFileStream',
      contexts: ['link', 'image', 'video', 'audio'],
    });
    api.contextMenus.create({
      id: 'bt-all-links',
      title: 'Download all links…',
      contexts: ['selection'],
    });
  });
}
api.runtime.onInstalled.addListener(createMenus);
api.runtime.onStartup.addListener(createMenus);

function linksInSelection() {
  const selection = window.getSelection();
  const links = new Set();
  for (let i = 0; i < selection.rangeCount; ++i) {
    const range = selection.getRangeAt(i);
    const root = range.commonAncestorContainer;
    const scope = root.nodeType === 1 ? root : root.parentElement;
    const anchor = scope.closest && scope.closest('a[href]');
    if (anchor) links.add(anchor.href);
    for (const a of scope.querySelectorAll('a[href]')) {
      if (range.intersectsNode(a)) links.add(a.href);
    }
  }
  return [...links];
}

async function onMenu(info, tab) {
  if (info.menuItemId === 'bt-download') {
    const url = info.linkUrl || info.srcUrl;
    return sendToHost(await downloadMessage(url, { referrer: info.pageUrl }));
  }
  if (info.menuItemId === 'bt-all-links') {
    const [result] = await api.scripting.executeScript({
      target: { tabId: tab.id, frameIds: [info.frameId || 0] },
      func: linksInSelection,
    });
    const urls = (result && result.result) || [];
    const links = [];
    for (const url of urls.filter((u) => /^(https?|ftp):/i.test(u))) {
      const cookies = await cookiesFor(url);
      links.push(cookies.length ? { url, cookies } : { url });
    }
    if (!links.length) return { ok: false, error: 'no links in the selection' };
    return sendToHost({
      type: 'links',
      links,
      referrer: info.pageUrl,
      userAgent: navigator.userAgent,
    });
  }
  return { ok: false, error: 'unknown menu entry' };
}
api.contextMenus.onClicked.addListener((info, tab) => {
  onMenu(info, tab);
});
// The end-to-end test calls the menu's handler directly (a headless browser shows no menu).
globalThis.btOnMenu = onMenu;

async function showPaused() {
  const { paused } = await options();
  api.action.setBadgeText({ text: paused ? 'off' : '' });
}
api.storage.onChanged.addListener(showPaused);
showPaused();

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (message && message.type === 'letThrough' && typeof message.url === 'string') {
    letThrough.set(message.url, Date.now() + 10000);
    return false;
  }
  if (message && message.type === 'status') {
    sendToHost({ type: 'ping' }).then((answer) => reply(answer));
    return true; // answers asynchronously
  }
  return false;
});
