// The same extension in Debian's Firefox ESR (headless, puppeteer-core over WebDriver BiDi,
// the extension installed as a temporary add-on). Firefox has no onDeterminingFilename: the
// browser's download runs on while the extension asks BTFileStream, and is cancelled then. Cases: a click and a link that
// needs the page's cookie end in BTFileStream's folder and not the browser's; without a host
// manifest the browser keeps the download. (The context menu and the popup are checked in
// Chromium: BiDi reaches no extension page here.)
//   env: FIREFOX, BT_EXTENSION_DIR, BT_FIREFOX_HOST_MANIFEST, BT_DOWNLOAD_DIR, E2E_WORK
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const puppeteer = require('puppeteer-core');
const { COOKIE, files, requests, sha256, start, waitFor, fileIs, fail } = require('./site.js');

const HOST_NAME = 'io.github.btfilestream';
const env = process.env;
const work = env.E2E_WORK;
const btDir = env.BT_DOWNLOAD_DIR;
const browserDir = path.join(work, 'browser-downloads');
const home = path.join(work, 'home'); // Firefox reads ~/.mozilla/native-messaging-hosts

async function main() {
  fs.mkdirSync(browserDir, { recursive: true });
  const hosts = path.join(home, '.mozilla', 'native-messaging-hosts');
  fs.mkdirSync(hosts, { recursive: true });
  const hostManifest = path.join(hosts, `${HOST_NAME}.json`);
  fs.copyFileSync(env.BT_FIREFOX_HOST_MANIFEST, hostManifest);
  // Slow bodies: the browser's download is still running when the extension cancels it.
  const { server, base } = await start({ slow: true });
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: env.FIREFOX || '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: path.join(work, 'profile'),
    extraPrefsFirefox: {
      'browser.download.dir': browserDir,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.start_downloads_in_tmp_dir': false,
      'browser.download.panel.shown': true,
    },
    env: Object.assign({}, env, { HOME: home, QT_QPA_PLATFORM: 'offscreen' }),
    protocolTimeout: 60000,
    dumpio: !!env.E2E_DUMPIO,
  });
  const result = { base, cases: [] };
  try {
    await browser.installExtension(env.BT_EXTENSION_DIR);
    const tab = await browser.newPage();
    await tab.goto(`${base}/page.html`);
    const caught = async (id, name) => {
      await tab.click(`#${id}`);
      await waitFor(`${name} in BTFileStream's folder`, () => fileIs(path.join(btDir, name), files[name]));
      await waitFor(`the browser to drop ${name}`, () =>
        !fs.readdirSync(browserDir).some((f) => f.startsWith(name.replace(/\.bin$/, ''))));
      const last = requests.filter((r) => r.path === `/files/${name}`).pop();
      if (!last || last.status !== 200) fail(`${name}: BTFileStream got ${last && last.status}`);
      if (!last.cookie.includes(COOKIE)) fail(`${name}: the cookie did not travel`);
      result.cases.push({ name, sha256: sha256(files[name]), url: `${base}/files/${name}` });
    };
    await caught('plain', 'plain.bin');
    await caught('cookie', 'needs-cookie.bin');
    fs.unlinkSync(hostManifest);
    await tab.click('#fallback');
    await waitFor('fallback.bin in the browser\'s folder', () =>
      fileIs(path.join(browserDir, 'fallback.bin'), files['fallback.bin']));
    if (fs.existsSync(path.join(btDir, 'fallback.bin'))) fail('fallback.bin reached BTFileStream');
  } finally {
    await browser.close();
    server.close();
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((e) => {
  process.stderr.write(`e2e-firefox: ${e.stack || e}\n`);
  process.exit(1);
});
