// The AWS SDK's multipart uploader (@aws-sdk/lib-storage Upload) for bench/upload.sh: one file
// to ENDPOINT (path-style), PART_SIZE bytes a part, QUEUE parts at once, credentials from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, region us-east-1.
// Usage: node upload.js ENDPOINT BUCKET KEY FILE PART_SIZE QUEUE
'use strict';
const fs = require('node:fs');
const { S3Client } = require('@aws-sdk/client-s3');
const { Upload } = require('@aws-sdk/lib-storage');

const [endpoint, bucket, key, file, partSize, queue] = process.argv.slice(2);
if (!queue) {
  console.error('usage: node upload.js ENDPOINT BUCKET KEY FILE PART_SIZE QUEUE');
  process.exit(2);
}
const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true });
const upload = new Upload({
  client,
  params: { Bucket: bucket, Key: key, Body: fs.createReadStream(file) },
  partSize: Number(partSize),
  queueSize: Number(queue),
  leavePartsOnError: false,
});
upload.done().then(() => process.exit(0), (err) => {
  console.error(`upload.js: ${err.name}: ${err.message}`);
  process.exit(1);
});
