// S3-compatible test server for tests/upload and bench/upload.sh: s3rver 3.7.1 on 127.0.0.1.
// Usage: node server.js --dir DIR [--port N] [--bucket NAME]... [--vhost]
//
// s3rver checks only that a SigV4 request's access key exists; it does not compute the
// signature ("unimplemented" in its authentication middleware) nor check Content-MD5. In
// front of it, as AWS does: every signed request's signature is recomputed with the AWS SDK's
// own signer (@smithy/signature-v4, over the headers the request says it signed, with its
// x-amz-content-sha256 as the payload hash) and a mismatch is a 403 SignatureDoesNotMatch;
// an UploadPart or PutObject whose Content-MD5 differs from the MD5 of what arrived (s3rver's
// ETag) gets 400 BadDigest. Keys: access key S3RVER, secret S3RVER (s3rver's account).
//
// DIR/requests.log gets one line a request as it arrives: "METHOD URL CONTENT-LENGTH".
// Prints "PORT <n>" on stdout once listening (port 0 = a free port), then serves until killed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');
const { SignatureV4 } = require('@smithy/signature-v4');
const { Hash } = require('@smithy/hash-node');

const { values: opts } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '0' },
    bucket: { type: 'string', multiple: true, default: [] },
    vhost: { type: 'boolean', default: false },
  },
});
const directory = opts.dir;
if (!directory) {
  console.error('server.js: --dir DIR is required');
  process.exit(2);
}
const port = Number(opts.port);
const buckets = opts.bucket.map((name) => ({ name }));
const store = path.join(directory, 'store');
fs.mkdirSync(store, { recursive: true });
const requestLog = fs.openSync(path.join(directory, 'requests.log'), 'a');

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code>` +
    `<Message>${message}</Message></Error>`;
}

// "AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b,
// Signature=HEX" -> its fields, or null.
function parseAuthorization(value) {
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/
    .exec(value || '');
  if (!m) return null;
  const [accessKeyId, , region, service] = m[1].split('/');
  return { accessKeyId, region, service, signedHeaders: m[2].split(';'), signature: m[3] };
}

async function checkSignature(ctx) {
  const auth = parseAuthorization(ctx.get('authorization'));
  if (!auth) return true; // not SigV4 in a header: s3rver decides
  const account = AWSAccount.registry.get(auth.accessKeyId);
  if (!account) return true; // s3rver answers InvalidAccessKeyId
  const amzDate = ctx.get('x-amz-date');
  const date = new Date(amzDate.replace(
    /^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const headers = {};
  for (const name of auth.signedHeaders) headers[name] = ctx.req.headers[name] || '';
  const rawUrl = ctx.req.url;
  const q = rawUrl.indexOf('?');
  const query = {};
  for (const [k, v] of new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1))) query[k] = v;
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: account.accessKeys.get(auth.accessKeyId),
    },
    region: auth.region,
    service: auth.service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false, // S3: the path is encoded once, as sent
    applyChecksum: false,
  });
  const signed = await signer.sign({
    method: ctx.method,
    protocol: 'http:',
    hostname: ctx.req.headers.host,
    path: q < 0 ? rawUrl : rawUrl.slice(0, q),
    query,
    headers,
  }, { signingDate: date, signableHeaders: new Set(auth.signedHeaders) });
  const expected = /Signature=([0-9a-f]+)/.exec(signed.headers.authorization)[1];
  return expected === auth.signature;
}

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory: store,
  silent: true,
  configureBuckets: buckets,
  vhostBuckets: opts.vhost,
});

server.middleware.unshift(async (ctx, next) => {
  fs.writeSync(requestLog,
    `${ctx.method} ${ctx.req.url} ${ctx.get('content-length') || 0}\n`);
  if (!(await checkSignature(ctx))) {
    ctx.req.resume(); // drain the body
    return s3Error(ctx, 403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. ' +
      'Check your key and signing method.');
  }
  await next();
  const md5 = ctx.get('content-md5');
  const etag = (ctx.response.get('ETag') || '').replace(/"/g, '');
  if (ctx.method === 'PUT' && md5 && ctx.status === 200 && etag &&
      Buffer.from(md5, 'base64').toString('hex') !== etag) {
    s3Error(ctx, 400, 'BadDigest',
      'The Content-MD5 you specified did not match what we received.');
    ctx.remove('ETag');
  }
});

server.run().then((address) => {
  process.stdout.write(`PORT ${address.port}\n`);
}, (err) => {
  console.error(`server.js: ${err.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => process.exit(0));
