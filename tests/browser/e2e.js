// The browser extension in Debian's chromium (headless, puppeteer-core), against a server on
// 127.0.0.1 and a BTFileStream the caller (tst_browser_e2e) already started offscreen with
// [browser] startAtOnce=true. Checks the browser side; prints one JSON line of what the caller
// checks in the store; exits 1 with the reason on the first failure.
//   env: CHROMIUM, BT_EXTENSION_DIR, BT_HOST_MANIFEST (host manifest for this build),
//        BT_DOWNLOAD_DIR (BTFileStream's download folder), E2E_WORK (a fresh folder),
//        E2E_SCREENSHOTS (optional: a folder for the options page and popup pictures)
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const { COOKIE, files, requests, sha256, start, waitFor, fileIs, fail } = require('./site.js');

const EXTENSION_ID = 'kemfjmbhekgbanoobjihfiaobhdhpokl';
const HOST_NAME = 'io.github.btfilestream';
const env = process.env;
const work = env.E2E_WORK;
const btDir = env.BT_DOWNLOAD_DIR;
const browserDir = path.join(work, 'browser-downloads');
const profile = path.join(work, 'profile');

async function main() {
  fs.mkdirSync(browserDir, { recursive: true });
  const hosts = path.join(profile, 'NativeMessagingHosts');
  fs.mkdirSync(hosts, { recursive: true });
  fs.mkdirSync(path.join(profile, 'Default'), { recursive: true });
  // Chromium with --user-data-dir reads native messaging hosts from <dir>/NativeMessagingHosts.
  const hostManifest = path.join(hosts, `${HOST_NAME}.json`);
  fs.copyFileSync(env.BT_HOST_MANIFEST, hostManifest);
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({
    download: { default_directory: browserDir, prompt_for_download: false, directory_upgrade: true },
  }));

  const { server, base } = await start();

  const ext = env.BT_EXTENSION_DIR;
  const browser = await puppeteer.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: false, // --headless=new below: extensions need the new headless
    userDataDir: profile,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new', '--no-sandbox', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu',
      '--disable-quic', `--disable-extensions-except=${ext}`, `--load-extension=${ext}`,
    ],
    env: Object.assign({}, env, { QT_QPA_PLATFORM: 'offscreen' }),
    protocolTimeout: 60000,
    dumpio: !!env.E2E_DUMPIO,
  });
  const result = { base, cases: [] };
  try {
    const workerTarget = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`),
      { timeout: 60000 }); // a loaded machine starts it slowly
    const worker = await workerTarget.worker();
    const tab = await browser.newPage();
    await tab.goto(`${base}/page.html`);
    const agent = await tab.evaluate(() => navigator.userAgent);
    const downloads = () => worker.evaluate(() => chrome.downloads.search({}));

    // 1. A click: BTFileStream saves it, the browser's own is cancelled and erased.
    const caught = async (id, name) => {
      await tab.click(`#${id}`);
      await waitFor(`${name} in BTFileStream's folder`, () => fileIs(path.join(btDir, name), files[name]));
      await waitFor(`the browser to drop ${name}`, async () =>
        (await downloads()).every((d) => !d.url.endsWith(`/${name}`)), 30000,
      async () => JSON.stringify(await downloads()));
      const left = fs.readdirSync(browserDir);
      if (left.length) fail(`the browser saved ${left.join(', ')} too`);
      const mine = requests.filter((r) => r.path === `/files/${name}`);
      // The browser's request (cancelled) and BTFileStream's, with the browser's agent, page
      // and cookie.
      if (mine.length < 2) fail(`${name}: ${mine.length} request(s), expected the browser's and BTFileStream's`);
      const last = mine[mine.length - 1];
      if (last.status !== 200) fail(`${name}: BTFileStream got ${last.status}`);
      if (last.agent !== agent) fail(`${name}: user agent ${last.agent}, not the browser's`);
      if (last.referer !== `${base}/page.html`) fail(`${name}: referer ${last.referer}`);
      if (!last.cookie.includes(COOKIE)) fail(`${name}: the cookie did not travel`);
      result.cases.push({ name, sha256: sha256(files[name]), url: `${base}/files/${name}` });
    };
    await caught('plain', 'plain.bin');
    // 2. A link that works only with the cookie the page set (the server answers 403 without).
    await caught('cookie', 'needs-cookie.bin');

    // 3. The context menu: a headless browser shows no menu, so its handler is called as a
    // click on "Download with BTFileStream" calls it.
    const tabId = await worker.evaluate(async () => (await chrome.tabs.query({ active: true }))[0].id);
    const reply = await worker.evaluate((info, id) => btOnMenu(info, { id }), {
      menuItemId: 'bt-download', linkUrl: `${base}/files/menu.bin`, pageUrl: `${base}/page.html`, frameId: 0,
    }, tabId);
    if (!reply || !reply.ok) fail(`menu: ${JSON.stringify(reply)}`);
    await waitFor('menu.bin in BTFileStream\'s folder', () => fileIs(path.join(btDir, 'menu.bin'), files['menu.bin']));
    result.cases.push({ name: 'menu.bin', sha256: sha256(files['menu.bin']), url: `${base}/files/menu.bin` });
    // "Download all links…" on a selection: the host takes the list (the program opens its list).
    await tab.evaluate(() => {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('list'));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    const all = await worker.evaluate((info, id) => btOnMenu(info, { id }),
      { menuItemId: 'bt-all-links', pageUrl: `${base}/page.html`, frameId: 0 }, tabId);
    if (!all || !all.ok) fail(`all links: ${JSON.stringify(all)}`);

    // Pictures for the README (only when asked).
    if (env.E2E_SCREENSHOTS) {
      const shot = await browser.newPage();
      await shot.setViewport({ width: 620, height: 600, deviceScaleFactor: 1 });
      await shot.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
      await shot.waitForSelector('body[data-ready]');
      await shot.evaluate(() => { // an example, not saved
        document.getElementById('minSizeKiB').value = 512;
        document.getElementById('fileTypes').value = 'iso zip 7z xz mkv mp4 application/pdf';
        document.getElementById('neverSites').value = 'mail.example.org\nintranet.example.com';
      });
      await shot.screenshot({ path: path.join(env.E2E_SCREENSHOTS, 'browser-options.png') });
      await shot.setViewport({ width: 360, height: 260, deviceScaleFactor: 1 });
      await shot.goto(`chrome-extension://${EXTENSION_ID}/popup.html`);
      await shot.waitForSelector('body[data-ready]');
      await (await shot.$('body')).screenshot({ path: path.join(env.E2E_SCREENSHOTS, 'browser-popup.png') });
      await shot.close();
    }

    // 4. No host installed: the browser keeps the download, whole.
    fs.unlinkSync(hostManifest);
    await tab.click('#fallback');
    await waitFor('fallback.bin in the browser\'s folder', () =>
      fileIs(path.join(browserDir, 'fallback.bin'), files['fallback.bin']));
    const kept = (await downloads()).find((d) => d.url.endsWith('/fallback.bin'));
    if (!kept || kept.state !== 'complete') fail(`fallback: ${JSON.stringify(kept)}`);
    if (fs.existsSync(path.join(btDir, 'fallback.bin'))) fail('fallback.bin reached BTFileStream');
    const popup = await browser.newPage();
    await popup.goto(`chrome-extension://${EXTENSION_ID}/popup.html`);
    await popup.waitForSelector('body[data-ready]');
    const state = await popup.evaluate(() => document.body.dataset.ready);
    if (state !== 'unreachable') fail(`the popup says ${state} without a host`);
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`e2e: ${e.stack || e}\n`);
  process.exit(1);
});
