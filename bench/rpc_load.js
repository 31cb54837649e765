// The client side of bench/rpc_load.sh: adds the transfers (one connection each), measures the
// daemon's download rate, then runs the polling clients and reports latencies. Node's http
// module only (keep-alive agent, one socket per client).
"use strict";
const http = require("http");

const [port, secret, url, transfers, clients, seconds] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(clients) + 4 });

function call(method, params = []) {
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [`token:${secret}`, ...params] });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/jsonrpc", method: "POST", agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const answer = JSON.parse(Buffer.concat(chunks));
          if (answer.error) reject(new Error(answer.error.message));
          else resolve(answer.result);
        });
      });
    req.on("error", reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function rate(ms) {
  const samples = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await sleep(500);
    samples.push(Number((await call("aria2.getGlobalStat")).downloadSpeed));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function main() {
  for (let i = 0; i < Number(transfers); ++i)
    await call("aria2.addUri", [[url], { out: `file-${i}.bin`, split: "1" }]);
  await sleep(1500); // every transfer connected
  const active = (await call("aria2.tellActive", [["gid"]])).length;
  const before = await rate(3000);

  const latencies = [];
  let errors = 0;
  let running = true;
  const loops = [];
  for (let c = 0; c < Number(clients); ++c) {
    loops.push((async () => {
      while (running) {
        const t0 = process.hrtime.bigint();
        try {
          await call("aria2.tellActive");
          latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        } catch (err) {
          ++errors;
        }
      }
    })());
  }
  const during = rate(Number(seconds) * 1000);
  const duringRate = await during;
  running = false;
  await Promise.all(loops);

  latencies.sort((a, b) => a - b);
  const mib = (b) => (b / 1048576).toFixed(1);
  const f = (ms) => ms.toFixed(1);
  console.log(`| clients | transfers (active) | calls | calls/s | errors | p50 ms | p90 ms | p99 ms | max ms | MiB/s before | MiB/s during |`);
  console.log(`| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(`| ${clients} | ${transfers} (${active}) | ${latencies.length} | ${(latencies.length / Number(seconds)).toFixed(0)} | ${errors} | ` +
              `${f(quantile(latencies, 0.5))} | ${f(quantile(latencies, 0.9))} | ${f(quantile(latencies, 0.99))} | ` +
              `${f(latencies[latencies.length - 1])} | ${mib(before)} | ${mib(duringRate)} |`);
  agent.destroy();
}

main().catch((err) => {
  console.error(`rpc_load.js: ${err.stack || err}`);
  process.exit(1);
});
