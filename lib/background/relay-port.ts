/**
 * What the background needs from the relay. The real implementation is the typed client in
 * lib/relay-client.ts; tests pass a fake with the same shape.
 */
import type { CreateAccountsResponse, NewAccount, OrganisationBooks } from '../relay-api';

export interface RelayConnection {
  id: string;
  tenantId: string;
  organisationName: string;
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  accountIds: string[];
}

export interface RelayOrganisation {
  name: string;
  baseCurrency: string;
  multiCurrency: boolean;
  currencies: string[];
}

export interface RelayPort {
  register(): Promise<unknown>;
  startConnect(input: { accountId: string; returnUrl: string; connectionId?: string }): Promise<{
    authorizeUrl: string;
    launchUrl?: string;
  }>;
  redeem(input: { relayCode: string }): Promise<{
    connectionId: string;
    tenants: { tenantId: string; name: string }[];
  }>;
  listConnections(): Promise<RelayConnection[]>;
  grant(input: { connectionId: string; accountIds: string[] }): Promise<unknown>;
  disconnect(input: { connectionId: string }): Promise<{ affectedAccountIds: string[] }>;
  organisation(input: {
    connectionId: string;
    accountId: string;
    refresh?: boolean;
  }): Promise<RelayOrganisation>;
  enableCurrency(input: { connectionId: string; accountId: string; currency: string }): Promise<{
    currencies: string[];
  }>;
}

/** Opens the relay's authorise URL and resolves with the URL the flow finally returned to. */
export type WebAuthFlow = (authorizeUrl: string) => Promise<string>;

export type JobItemState = 'queued' | 'posting' | 'done' | 'failed' | 'needs_reconnect';

export interface JobItem {
  idempotencyKey: string;
  invoiceNumber: string;
  state: JobItemState;
  invoiceId?: string;
  xeroUrl?: string;
  error?: { code: string; message: string; isRetryable: boolean };
}

export interface InvoiceJob {
  jobId: string;
  connectionId: string;
  state: 'queued' | 'running' | 'done' | 'failed' | 'parked';
  counts: Record<JobItemState, number>;
  items: JobItem[];
  estimate: { secondsRemaining: number; minuteRemaining: number; dayRemaining: number };
}

/** The invoice-jobs part of the relay's API. */
export interface RelayJobsPort {
  submitInvoices(input: {
    connectionId: string;
    accountId: string;
    invoices: { idempotencyKey: string; invoice: unknown }[];
  }): Promise<{ jobId: string; items: JobItem[] }>;
  getJob(input: { jobId: string }): Promise<InvoiceJob>;
}

/** Books: the organisation's chart, tax rates and tracking, and creating accounts on request. */
export interface RelayBooksPort {
  books(input: { connectionId: string; accountId: string; refresh?: boolean }): Promise<OrganisationBooks>;
  createAccounts(input: {
    connectionId: string;
    accountId: string;
    accounts: NewAccount[];
  }): Promise<CreateAccountsResponse>;
}
