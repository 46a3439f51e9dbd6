import type { RelayPort } from '../../../lib/background/relay-port';
import type { Connection, Organisation } from '../../../lib/relay-api';

/** An in-memory relay with the same contract as lib/relay-client.ts, recording every call. */
export class FakeRelay implements RelayPort {
  calls: { method: string; input: unknown }[] = [];
  connections = new Map<string, Connection>();
  organisation_: Organisation = {
    name: 'Demo Company (UK)',
    baseCurrency: 'GBP',
    multiCurrency: true,
    currencies: ['GBP'],
  };
  failWith?: { code: string; message: string };
  private seq = 0;
  private codes = new Map<string, { accountId: string; connectionId?: string }>();

  private record(method: string, input: unknown) {
    this.calls.push({ method, input });
    if (this.failWith) throw Object.assign(new Error(this.failWith.message), { code: this.failWith.code });
  }

  async register() {
    this.record('register', {});
    return { installId: 'fake-install', isNew: false };
  }
  async startConnect(input: { accountId: string; returnUrl: string; connectionId?: string }) {
    this.record('startConnect', input);
    const code = `code-${++this.seq}-abcdefghijklmnop`;
    this.codes.set(code, {
      accountId: input.accountId,
      ...(input.connectionId ? { connectionId: input.connectionId } : {}),
    });
    return { authorizeUrl: `https://identity.example/authorize?relay=${code}` };
  }
  async redeem({ relayCode }: { relayCode: string }) {
    this.record('redeem', { relayCode });
    const pending = this.codes.get(relayCode);
    if (!pending) throw Object.assign(new Error('unknown code'), { code: 'invalid_code' });
    this.codes.delete(relayCode);
    const id = pending.connectionId ?? `00000000-0000-4000-8000-00000000000${++this.seq % 10}`;
    const existing = this.connections.get(id);
    this.connections.set(id, {
      id,
      tenantId: 'tenant-1',
      organisationName: this.organisation_.name,
      status: 'connected',
      accountIds: [...new Set([...(existing?.accountIds ?? []), pending.accountId])],
    });
    return {
      connectionId: id,
      tenants: [{ tenantId: 'tenant-1', name: this.organisation_.name }],
      tenantChosen: true,
    };
  }
  async chooseTenant(input: { connectionId: string; tenantId: string }) {
    this.record('chooseTenant', input);
    const c = this.connections.get(input.connectionId);
    if (!c) throw Object.assign(new Error('not found'), { code: 'not_found' });
    c.tenantId = input.tenantId;
    return { connectionId: c.id, tenantId: c.tenantId, organisationName: c.organisationName };
  }
  async listConnections() {
    this.record('listConnections', {});
    return [...this.connections.values()];
  }
  async grant(input: { connectionId: string; accountIds: string[] }) {
    this.record('grant', input);
    const c = this.connections.get(input.connectionId);
    if (c) c.accountIds.push(...input.accountIds);
    return { accountIds: input.accountIds };
  }
  async disconnect(input: { connectionId: string }) {
    this.record('disconnect', input);
    const c = this.connections.get(input.connectionId);
    this.connections.delete(input.connectionId);
    return { affectedAccountIds: c?.accountIds ?? [] };
  }
  async organisation(input: { connectionId: string; accountId: string }) {
    this.record('organisation', input);
    return structuredClone(this.organisation_);
  }
  async enableCurrency(input: { connectionId: string; accountId: string; currency: string }) {
    this.record('enableCurrency', input);
    this.organisation_.currencies.push(input.currency);
    return { currencies: this.organisation_.currencies };
  }
}
