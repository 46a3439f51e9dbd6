// A registration flood from one address, as its own process (an attacker does not share the
// relay's or the prober's event loop): `node --import tsx test/relay/flood-client.ts <url>
// <count> <concurrency>` signs <count> registration proofs with 100 keys, sends them
// <concurrency> at a time, and prints one JSON line: { statuses: { "429": n, ... } }.
import { fromKeyPair, generateKeyPair } from '../../lib/install-key';

const [url, countArg, concurrencyArg] = process.argv.slice(2);
if (!url) throw new Error('usage: flood-client.ts <relay url> [count] [concurrency]');
const count = Number(countArg ?? 2000);
const concurrency = Number(concurrencyArg ?? 50);
const target = `${url}/v1/installs`;
const keys = await Promise.all(Array.from({ length: 100 }, async () => fromKeyPair(await generateKeyPair())));
const proofs = await Promise.all(
  Array.from({ length: count }, (_, i) => keys[i % keys.length]!.createProof('POST', target)),
);
process.stdout.write('ready\n');
// Started by the parent once it has its idle figure.
await new Promise((resolve) => process.stdin.once('data', resolve));
const statuses: Record<string, number> = {};
let next = 0;
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < proofs.length) {
      const proof = proofs[next++]!;
      const res = await fetch(target, {
        method: 'POST',
        headers: { DPoP: proof, 'content-type': 'application/json' },
        body: '{}',
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  }),
);
process.stdout.write(`${JSON.stringify({ statuses })}\n`);
process.stdin.destroy();
