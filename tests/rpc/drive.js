// Drives `btstream daemon` with the real aria2 client from npm (aria2@4.1.2, as AriaNg-like
// tools do): HTTP and WebSocket calls, notifications, a wrong and a missing secret.
// usage: node drive.js PORT SECRET FAST_URL SLOW_URL DIR
// Prints one JSON object on stdout (what the C++ test checks on disk); exit 1 on a failure.
"use strict";

const Aria2 = require("aria2");
const assert = require("assert");

const [port, secret, fastUrl, slowUrl, dir] = process.argv.slice(2);
const options = { host: "127.0.0.1", port: Number(port), secret };

async function rejected(promise, pattern) {
  try {
    await promise;
  } catch (err) {
    assert.match(String(err.message), pattern);
    return err;
  }
  throw new Error(`expected a rejection matching ${pattern}`);
}

// Waits until tellStatus says one of `statuses`, polling every 50 ms (max `ms`).
async function until(aria2, gid, statuses, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    const status = await aria2.call("tellStatus", gid);
    if (statuses.includes(status.status)) return status;
    if (Date.now() > end)
      throw new Error(`${gid} still ${status.status}, expected ${statuses}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function waitFor(list, method, gid, ms = 10000) {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const tick = () => {
      if (list.some((n) => n.method === method && n.gid === gid)) return resolve();
      if (Date.now() > end) return reject(new Error(`no ${method} for ${gid}: ${JSON.stringify(list)}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

async function main() {
  // The secret: refused when wrong or missing, over HTTP.
  await rejected(new Aria2({ ...options, secret: "wrong" }).call("getVersion"), /Unauthorized/);
  await rejected(new Aria2({ ...options, secret: "" }).call("getVersion"), /Unauthorized/);
  // The introspection methods need none (as aria2).
  const methods = await new Aria2({ ...options, secret: "" }).listMethods();
  assert.ok(methods.includes("addUri") && methods.includes("system.multicall"));

  const aria2 = new Aria2(options);
  const version = await aria2.call("getVersion");
  assert.strictEqual(typeof version.version, "string");

  // Notifications come over the WebSocket.
  await aria2.open();
  const notifications = [];
  for (const event of ["onDownloadStart", "onDownloadPause", "onDownloadStop",
                       "onDownloadComplete", "onDownloadError"]) {
    aria2.on(event, ([{ gid }]) => notifications.push({ method: event, gid }));
  }

  // A download to the end, polled over the WebSocket.
  const fast = await aria2.call("addUri", [fastUrl], { dir, out: "fast.bin" });
  assert.match(fast, /^[0-9a-f]{16}$/);
  const done = await until(aria2, fast, ["complete", "error"]);
  assert.strictEqual(done.status, "complete", JSON.stringify(done));
  assert.strictEqual(done.completedLength, done.totalLength);
  const filtered = await aria2.call("tellStatus", fast, ["gid", "status"]);
  assert.deepStrictEqual(Object.keys(filtered).sort(), ["gid", "status"]);
  await waitFor(notifications, "onDownloadComplete", fast);
  const files = await aria2.call("getFiles", fast);
  assert.strictEqual(files.length, 1);
  const stopped = await aria2.call("tellStopped", 0, 10);
  assert.ok(stopped.some((s) => s.gid === fast));

  // A slow one: pause, unpause, remove, each with its notification.
  const slow = await aria2.call("addUri", [slowUrl], { dir, out: "slow.bin" });
  await until(aria2, slow, ["active"]);
  const active = await aria2.call("tellActive", ["gid"]);
  assert.ok(active.some((s) => s.gid === slow), JSON.stringify(active));
  assert.strictEqual(await aria2.call("pause", slow), slow);
  await until(aria2, slow, ["paused"]);
  await waitFor(notifications, "onDownloadPause", slow);
  const waiting = await aria2.call("tellWaiting", 0, 10);
  assert.ok(waiting.some((s) => s.gid === slow && s.status === "paused"));
  assert.strictEqual(await aria2.call("unpause", slow), slow);
  await until(aria2, slow, ["active"]);
  assert.strictEqual(await aria2.call("remove", slow), slow);
  await until(aria2, slow, ["removed"]);
  await waitFor(notifications, "onDownloadStop", slow);

  // Bad input: clear errors, nothing added.
  await rejected(aria2.call("addUri", [fastUrl], { dir: "/etc" }), /outside the download folders/);
  await rejected(aria2.call("addUri", [fastUrl], { dir, out: "../escape.bin" }), /\.\./);
  await rejected(aria2.call("tellStatus", "zz"), /Bad GID/);
  await rejected(aria2.call("tellStatus", 42), /GID/);
  await rejected(aria2.call("noSuchMethod"), /Method not found/);

  // system.multicall, with the secret in each call.
  const multi = await aria2.multicall([["getGlobalStat"], ["tellStatus", fast, ["status"]]]);
  assert.strictEqual(multi[1][0].status, "complete");
  assert.strictEqual(typeof multi[0][0].numStopped, "string");

  await aria2.close();
  process.stdout.write(JSON.stringify({ fast, slow, notifications }) + "\n");
}

main().catch((err) => {
  const detail = err instanceof Error ? err.stack : JSON.stringify(err, null, 1);
  process.stderr.write(`drive.js: ${detail}\n`);
  process.exit(1);
});
