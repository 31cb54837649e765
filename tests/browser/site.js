// The test site both browser tests use: a page that sets a session cookie and links four
// downloads, one of which the server serves only with that cookie. Every request is logged.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');

const COOKIE = 'session=e2e-secret';

// Different bytes per file, the same on every run.
function content(name, size) {
  const out = Buffer.alloc(size);
  let block = Buffer.alloc(0);
  for (let off = 0; off < size; off += 32) {
    block = crypto.createHash('sha256').update(block).update(name).digest();
    block.copy(out, off, 0, Math.min(32, size - off));
  }
  return out;
}

const files = {
  'plain.bin': content('plain', 700 * 1024 + 3),
  'needs-cookie.bin': content('cookie', 300 * 1024 + 1),
  'menu.bin': content('menu', 200 * 1024 + 7),
  'fallback.bin': content('fallback', 100 * 1024 + 5),
};
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');
const requests = []; // {path, status, cookie, agent, referer}

function page() {
  return `<!doctype html><html><head><title>Downloads</title></head><body>
<p><a id="plain" href="/files/plain.bin">plain</a></p>
<p><a id="cookie" href="/files/needs-cookie.bin">needs the cookie</a></p>
<p><a id="menu" href="/files/menu.bin">menu</a></p>
<p><a id="fallback" href="/files/fallback.bin">fallback</a></p>
<p id="list">Some: <a href="/files/plain.bin">one</a> and <a href="/files/menu.bin">two</a>.</p>
</body></html>`;
}

function serve(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  const entry = {
    path: url.pathname,
    cookie: req.headers.cookie || '',
    agent: req.headers['user-agent'] || '',
    referer: req.headers.referer || '',
  };
  requests.push(entry);
  if (url.pathname === '/page.html') {
    entry.status = 200;
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Set-Cookie': `${COOKIE}; Path=/; SameSite=Lax`,
    });
    return res.end(page());
  }
  const name = url.pathname.replace(/^\/files\//, '');
  const body = files[name];
  if (!body) {
    entry.status = 404;
    res.writeHead(404);
    return res.end();
  }
  if (name === 'needs-cookie.bin' && !entry.cookie.split(/;\s*/).includes(COOKIE)) {
    entry.status = 403;
    res.writeHead(403, { 'Content-Type': 'text/plain' });
    return res.end('no session');
  }
  entry.status = 200;
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Accept-Ranges': 'none',
  });
  if (!slow) return res.end(body);
  // Half now, half in a second: the browser sees a download in progress.
  const half = body.length >> 1;
  res.write(body.subarray(0, half));
  setTimeout(() => res.end(body.subarray(half)), 1000);
}

// Another process writes the file: look every 100 ms until it is there, whole, or the deadline.
async function waitFor(what, check, ms = 60000, detail = async () => '') {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) fail(`timed out waiting for ${what} ${await detail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function fileIs(file, expected) {
  try {
    return sha256(fs.readFileSync(file)) === sha256(expected);
  } catch (e) {
    return false;
  }
}

function fail(message) {
  throw new Error(message);
}

let slow = false;

async function start(options = {}) {
  slow = !!options.slow;
  const server = http.createServer(serve);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

module.exports = { COOKIE, files, requests, sha256, start, waitFor, fileIs, fail };
