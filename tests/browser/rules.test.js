// Which downloads the extension takes (browser/extension/rules.js): node --test rules.test.js
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const { btWhyNotCaught, btHostMatches } = require('../../browser/extension/rules.js');

const iso = { url: 'https://dl.example.org/get?id=1', filename: 'disk.iso', mime: 'application/x-iso9660-image', fileSize: 4 << 20 };

test('everything is caught by default', () => {
  assert.strictEqual(btWhyNotCaught(iso, {}), '');
  assert.strictEqual(btWhyNotCaught({ url: 'ftp://example.org/a' }, {}), '');
});

test('the switch, private windows and other schemes stay in the browser', () => {
  assert.strictEqual(btWhyNotCaught(iso, { paused: true }), 'paused');
  assert.strictEqual(btWhyNotCaught({ ...iso, incognito: true }, {}), 'private window');
  assert.strictEqual(btWhyNotCaught({ url: 'blob:https://example.org/1' }, {}), 'scheme');
  assert.strictEqual(btWhyNotCaught({ url: 'data:text/plain,x' }, {}), 'scheme');
  assert.strictEqual(btWhyNotCaught({ url: 'not a url' }, {}), 'no URL');
});

test('minimum size applies when the size is known', () => {
  assert.strictEqual(btWhyNotCaught(iso, { minSizeKiB: 8192 }), 'small');
  assert.strictEqual(btWhyNotCaught(iso, { minSizeKiB: 4096 }), '');
  assert.strictEqual(btWhyNotCaught({ ...iso, fileSize: -1 }, { minSizeKiB: 8192 }), '');
});

test('file types by extension or MIME type', () => {
  assert.strictEqual(btWhyNotCaught(iso, { fileTypes: 'zip 7z' }), 'type');
  assert.strictEqual(btWhyNotCaught(iso, { fileTypes: 'zip, .ISO' }), '');
  assert.strictEqual(btWhyNotCaught(iso, { fileTypes: 'application/*' }), '');
  assert.strictEqual(btWhyNotCaught(iso, { fileTypes: 'video/*' }), 'type');
  // The name from the URL when the browser has none yet.
  assert.strictEqual(btWhyNotCaught({ url: 'https://e.org/a.zip' }, { fileTypes: 'zip' }), '');
});

test('sites never caught, with their sub-domains only', () => {
  assert.strictEqual(btWhyNotCaught(iso, { neverSites: 'example.org' }), 'site');
  assert.strictEqual(btWhyNotCaught(iso, { neverSites: 'other.org\n*.example.org' }), 'site');
  assert.strictEqual(btWhyNotCaught(iso, { neverSites: 'ample.org' }), '');
  assert.ok(!btHostMatches('badexample.org', 'example.org'));
  // The final address counts: a redirect to a listed site stays in the browser.
  assert.strictEqual(btWhyNotCaught({ ...iso, finalUrl: 'https://cdn.mirror.net/x.iso' },
    { neverSites: 'mirror.net' }), 'site');
});
