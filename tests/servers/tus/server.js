// tus 1.0 test server for tests/upload: @tus/server with @tus/file-store on 127.0.0.1.
// Usage: node server.js --dir DIR [--port N] [--max-size BYTES] [--token SECRET]
//                       [--expire-ms MS]
// --checksum: the checksum extension in front of @tus/server (which has none): OPTIONS offers
// it (sha1, md5); a PATCH with Upload-Checksum is buffered, verified (460 on mismatch) and
// passed on; DIR/checksums.log gets "ok <bytes>" or "fail" a PATCH. --fail-checksum-once:
// the first checksummed PATCH gets a 460 whatever its checksum.
// Also, for the multipart POST tests: POST /form stores the raw request body in
// DIR/form-<n>.raw and its Content-Type in DIR/form-<n>.type (n = 1, 2, ...), answers 201.
// Prints "PORT <n>" on stdout once listening (port 0 = a free port), then serves until killed.
'use strict';
const fs = require('node:fs');
const crypto = require('node:crypto');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Server } = require('@tus/server');
const { FileStore } = require('@tus/file-store');

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    'max-size': { type: 'string', default: '0' },
    token: { type: 'string', default: '' },
    'expire-ms': { type: 'string', default: '0' },
    checksum: { type: 'boolean', default: false },
    'fail-checksum-once': { type: 'boolean', default: false },
  },
});

const directory = opts.dir;
if (!directory) {
  console.error('server.js: --dir DIR is required');
  process.exit(2);
}
const port = Number(opts.port);
const maxSize = Number(opts['max-size']);
const token = opts.token;
const expireMs = Number(opts['expire-ms']);

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

const checksum = opts.checksum;
let failChecksumOnce = opts['fail-checksum-once'];

function checksumLog(line) {
  fs.appendFileSync(path.join(directory, 'checksums.log'), `${line}\n`);
}

function handleChecksumOptions(res) {
  res.writeHead(204, {
    'Tus-Resumable': '1.0.0',
    'Tus-Version': '1.0.0',
    'Tus-Extension': 'creation,creation-with-upload,termination,checksum',
    'Tus-Checksum-Algorithm': 'sha1,md5',
  });
  res.end();
}

function handleChecksumPatch(req, res) {
  const [algorithm, expected] = String(req.headers['upload-checksum']).split(' ');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let actual = '';
    try {
      actual = crypto.createHash(algorithm).update(body).digest('base64');
    } catch {
      res.writeHead(400, { 'Tus-Resumable': '1.0.0' });
      return res.end('Unsupported checksum algorithm\n');
    }
    if (failChecksumOnce || actual !== expected) {
      failChecksumOnce = false;
      checksumLog('fail');
      res.writeHead(460, { 'Tus-Resumable': '1.0.0', 'Content-Type': 'text/plain' });
      return res.end('Checksum Mismatch\n');
    }
    checksumLog(`ok ${body.length}`);
    const headers = { ...req.headers, 'content-length': String(body.length) };
    delete headers['upload-checksum'];
    const forward = http.request(
      { host: '127.0.0.1', port: httpServer.address().port, method: 'PATCH', path: req.url, headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    forward.on('error', () => res.destroy());
    forward.end(body);
  });
}

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
  if (checksum && req.method === 'OPTIONS') return handleChecksumOptions(res);
  if (checksum && req.method === 'PATCH' && req.headers['upload-checksum'])
    return handleChecksumPatch(req, res);
  return server.handle(req, res);
});
httpServer.listen(port, '127.0.0.1', () => {
  process.stdout.write(`PORT ${httpServer.address().port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
