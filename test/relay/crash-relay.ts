// relay/server.ts for the crash tests: the same relay, whose process kills itself (SIGKILL)
// right after Xero accepted what argv[2] names (`invoices` or `attachment`), before the
// relay records it. The hook is injected here, so no production build can carry it.
import type { AddressInfo } from 'node:net';
import { buildRelay, createLogger, relayServer } from '../../relay/build-relay';
import { parseEnv } from '../../relay/env';

const dieAfter = process.argv[2];
if (dieAfter !== 'invoices' && dieAfter !== 'attachment') {
  process.stderr.write('usage: crash-relay.ts invoices|attachment\n');
  process.exit(2);
}
const config = parseEnv(process.env);
const log = createLogger(config.LOG_LEVEL);
const relay = await buildRelay(config, {
  log,
  afterXeroAccepted: (what) => {
    if (what !== dieAfter) return;
    log.warn({ what }, 'dying after Xero accepted, before recording');
    process.kill(process.pid, 'SIGKILL');
  },
});
const server = relayServer(relay, config);
server.listen(config.PORT, config.HOST);
server.once('listening', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ relayListening: port })}\n`);
});
