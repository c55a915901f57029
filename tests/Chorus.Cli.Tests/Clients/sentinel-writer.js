// ioredis (from npm, pinned in package-lock.json) as an application configured for Redis Sentinel
// would use it, pointed at Chorus's nodes as its sentinels. Same stdin/stdout protocol as
// sentinel_writer.py (ClientFailoverTimingTests):
//   node sentinel-writer.js PORT,PORT,... MASTER
//   -> "ready"; <- "mark"; -> "first-write-ms N attempts A"
// ioredis's own defaults for reconnection and sentinel retries; each write has a 1 s timeout and
// is retried 50 ms apart.
//
// failoverDetector (listen for +switch-master on the sentinels) stays off, its default: in ioredis
// 5.11.1 it races with a reconnection. A +switch-master that arrives while the client is asking a
// sentinel for the master (SentinelConnector.connectToNext awaiting resolve()) calls
// connector.disconnect(); connectToNext then throws "Connection is closed", Redis.connect() sets
// the status to "end", and the client never reconnects: every later write fails. After a kill -9
// the client is reconnecting exactly when the survivors announce the new leader, so this hung the
// client for good in about one run in five under load (ClientFailoverTimingTests, 2026-12-06).
// Without it the client learns of the failover as Redis's documentation describes: the old
// leader's connection closes, and it asks the sentinels again.
'use strict';
const Redis = require('ioredis');
const readline = require('readline');

const ports = process.argv[2].split(',').map(Number);
const name = process.argv[3];
const redis = new Redis({
  sentinels: ports.map((port) => ({ host: '127.0.0.1', port })),
  name,
  commandTimeout: 1000,
  maxRetriesPerRequest: 1,
});
redis.on('error', () => {}); // reconnection errors are expected while the leader is down

async function writeUntilSuccess(key) {
  for (let attempts = 1; ; attempts++) {
    try {
      await redis.set(key, key);
      return attempts;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the application's retry pace
    }
  }
}

(async () => {
  await writeUntilSuccess('before');
  console.log('ready');
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (line.trim() !== 'mark') {
      console.error("expected 'mark' on stdin");
      process.exit(1);
    }
    const start = process.hrtime.bigint();
    const attempts = await writeUntilSuccess('after');
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    console.log(`first-write-ms ${ms.toFixed(0)} attempts ${attempts}`);
    process.exit(0);
  }
})();
