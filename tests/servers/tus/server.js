// tus 1.0 test server for tests/upload: @tus/server with @tus/file-store on 127.0.0.1.
// Usage: node server.js --dir DIR [--port N] [--max-size BYTES] [--token SECRET]
//                       [--expire-ms MS]
// Also, for the multipart POST tests: POST /form stores the raw request body in
// DIR/form-<n>.raw and its Content-Type in DIR/form-<n>.type (n = 1, 2, ...), answers 201.
// Prints "PORT <n>" on stdout once listening (port 0 = a free port), then serves until killed.
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { Server } = require('@tus/server');
const { FileStore } = require('@tus/file-store');

const args = process.argv.slice(2);
function opt(name, fallback) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

const directory = opt('--dir');
if (!directory) {
  console.error('server.js: --dir DIR is required');
  process.exit(2);
}
const port = Number(opt('--port', '0'));
const maxSize = Number(opt('--max-size', '0'));
const token = opt('--token', '');
const expireMs = Number(opt('--expire-ms', '0'));

const server = new Server({
  path: '/files',
  datastore: new FileStore({ directory, expirationPeriodInMilliseconds: expireMs }),
  maxSize: maxSize > 0 ? maxSize : undefined,
  // A refused credential: every tus request must carry "Authorization: Bearer <token>".
  async onIncomingRequest(req) {
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      throw { status_code: 401, body: 'Unauthorized\n' };
    }
  },
});

let forms = 0;
function handleForm(req, res) {
  const base = path.join(directory, `form-${++forms}`);
  fs.writeFileSync(`${base}.type`, req.headers['content-type'] || '');
  const out = fs.createWriteStream(`${base}.raw`);
  req.pipe(out);
  out.on('finish', () => {
    res.writeHead(201, { 'Content-Type': 'text/plain' });
    res.end('stored\n');
  });
  req.on('error', () => out.destroy());
}

const httpServer = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url.startsWith('/form')) return handleForm(req, res);
  return server.handle(req, res);
});
httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${httpServer.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
