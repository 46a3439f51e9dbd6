/**
 * What the background needs from the relay: parts of the typed client in
 * lib/relay-client.ts, whose shapes all come from the route table in lib/relay-api.ts.
 * Tests pass fakes with the same shape.
 */
import type { RelayClient } from '../relay-client';

export type RelayPort = Pick<
  RelayClient,
  | 'register'
  | 'startConnect'
  | 'redeem'
  | 'chooseTenant'
  | 'listConnections'
  | 'grant'
  | 'disconnect'
  | 'organisation'
  | 'enableCurrency'
>;

/** Opens the relay's authorise URL and resolves with the URL the flow finally returned to. */
export type WebAuthFlow = (authorizeUrl: string) => Promise<string>;

/** The invoice-jobs part of the relay's API. */
export type RelayJobsPort = Pick<RelayClient, 'submitInvoices' | 'getJob'>;

/** Books: the organisation's chart, tax rates and tracking, and creating accounts on request. */
export type RelayBooksPort = Pick<RelayClient, 'books' | 'createAccounts'>;
