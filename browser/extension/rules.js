// Which downloads BTFileStream takes: pure functions over a download and the options, shared
// by the background script, the options page and the popup.
'use strict';

const BT_HOST = 'io.github.btfilestream';

const BT_DEFAULTS = Object.freeze({
  paused: false,        // the toolbar switch: catch nothing while true
  minSizeKiB: 0,        // smaller downloads (when the size is known) stay in the browser
  fileTypes: '',        // extensions and MIME types, space or comma separated; empty = all
  neverSites: '',       // host names, one a line; their sub-domains too
  modifier: 'alt',      // held while clicking a link: the browser keeps that download
});

function btWords(text) {
  return String(text || '').toLowerCase().split(/[\s,;]+/).filter(Boolean);
}

function btHostMatches(host, site) {
  site = site.replace(/^\*\./, '').replace(/^\./, '');
  return host === site || host.endsWith('.' + site);
}

function btExtension(name) {
  const base = String(name || '').split(/[\\/]/).pop();
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

// item: {url, finalUrl, filename, mime, fileSize, incognito}. Returns '' to catch, else why
// the browser keeps it.
function btWhyNotCaught(item, options) {
  const o = Object.assign({}, BT_DEFAULTS, options);
  if (o.paused) return 'paused';
  if (item.incognito) return 'private window';
  let url;
  try {
    url = new URL(item.finalUrl || item.url);
  } catch (e) {
    return 'no URL';
  }
  if (!['http:', 'https:', 'ftp:'].includes(new URL(item.url).protocol)) return 'scheme';
  const host = url.hostname.toLowerCase();
  for (const site of btWords(o.neverSites)) {
    if (btHostMatches(host, site)) return 'site';
  }
  const size = Number(item.fileSize ?? item.totalBytes ?? -1);
  if (o.minSizeKiB > 0 && size >= 0 && size < o.minSizeKiB * 1024) return 'small';
  const types = btWords(o.fileTypes);
  if (types.length) {
    const ext = btExtension(item.filename) || btExtension(url.pathname);
    const mime = String(item.mime || '').toLowerCase();
    const hit = types.some((t) => {
      if (t.includes('/')) {
        return t.endsWith('/*') ? mime.startsWith(t.slice(0, -1)) : mime === t;
      }
      return t.replace(/^\*?\./, '') === ext;
    });
    if (!hit) return 'type';
  }
  return '';
}

if (typeof module !== 'undefined') {
  module.exports = { BT_DEFAULTS, btWhyNotCaught, btExtension, btHostMatches };
}
