// Row types. Times are epoch milliseconds in `double precision` columns so both drivers
// return plain numbers and the relay's injectable clock is the only source of "now".
import type { ColumnType, Generated } from 'kysely';

export interface InstallsTable {
  id: string;
  public_jwk: string;
  created_at: number;
}

export interface DpopProofsTable {
  install_id: string;
  jti: string;
  expires_at: number;
}

export interface OauthStatesTable {
  state_hash: string;
  install_id: string;
  account_id: string;
  return_url: string;
  code_verifier: string;
  connection_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface ConnectionsTable {
  id: string;
  owner_install_id: string;
  tenant_id: string;
  organisation_name: string;
  xero_connection_id: string;
  /** JSON: every tenant the consent covered, [{tenantId,name,xeroConnectionId}]. */
  tenants_json: string;
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  /**
   * False while a consent that covered several organisations waits for its owner to choose
   * one: `tenant_id` is then only a placeholder and the connection is not used.
   */
  tenant_chosen: boolean;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  access_expires_at: number;
  token_version: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface GrantsTable {
  connection_id: string;
  account_id: string;
  created_at: number;
}

export interface RelayCodesTable {
  code_hash: string;
  install_id: string;
  connection_id: string;
  account_id: string;
  expires_at: number;
  redeemed_at: number | null;
  /**
   * The sign-in waiting for redemption: the organisation and its sealed token pair (sealed
   * with connection_id as associated data). Cleared once redeemed; null on old rows.
   */
  tenant_id: string | null;
  organisation_name: string | null;
  xero_connection_id: string | null;
  tenants_json: string | null;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  access_expires_at: number | null;
  created_at: number | null;
}

export interface InvoiceJobsTable {
  id: string;
  install_id: string;
  connection_id: string;
  account_id: string;
  created_at: number;
}

export type InvoiceItemStateValue = 'queued' | 'posting' | 'done' | 'failed' | 'needs_reconnect';

export interface InvoiceItemError {
  code: string;
  message: string;
  isRetryable: boolean;
}

export interface InvoiceItemsTable {
  connection_id: string;
  idempotency_key: string;
  job_id: string;
  tenant_id: string;
  /** The invoice as the extension sent it (lib/relay-api.ts InvoicePayload). */
  payload: ColumnType<unknown, string, string>;
  payload_hash: string;
  invoice_number: string;
  state: InvoiceItemStateValue;
  needs_check: Generated<boolean>;
  is_isolated: Generated<boolean>;
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_until: number | null;
  invoice_id: string | null;
  error: ColumnType<InvoiceItemError | null, string | null, string | null>;
  created_at: number;
  updated_at: number;
}

export type InvoiceAttachmentStateValue = 'pending' | 'sending' | 'attached' | 'failed';

export interface InvoiceAttachmentsTable {
  connection_id: string;
  idempotency_key: string;
  file_name: string;
  tenant_id: string;
  mime_type: string;
  /** Base64 of the file's bytes. */
  content: string;
  size_bytes: number;
  state: InvoiceAttachmentStateValue;
  needs_check: Generated<boolean>;
  attempts: Generated<number>;
  next_attempt_at: number;
  lease_until: number | null;
  attachment_id: string | null;
  error: ColumnType<InvoiceItemError | null, string | null, string | null>;
  created_at: number;
  updated_at: number;
}

export interface InvoiceJobItemsTable {
  job_id: string;
  position: number;
  connection_id: string;
  idempotency_key: string;
}

export interface OrgLimitsTable {
  tenant_id: string;
  blocked_until: number;
  min_remaining: number | null;
  day_remaining: number | null;
  seen_at: number | null;
}

export interface XeroCallsTable {
  id: string;
  tenant_id: string;
  started_at: number;
  lease_until: number;
  finished_at: number | null;
}

export interface OrgLedgerTable {
  tenant_id: string;
  idempotency_key: string;
  invoice_id: string;
  invoice_number: string;
  invoice_type: string;
  payload_hash: string;
  recorded_at: number;
}

export interface XeroOrganisationsTable {
  tenant_id: string;
  short_code: string | null;
  updated_at: number;
}

export interface Database {
  org_ledger: OrgLedgerTable;
  xero_organisations: XeroOrganisationsTable;
  invoice_jobs: InvoiceJobsTable;
  invoice_items: InvoiceItemsTable;
  invoice_job_items: InvoiceJobItemsTable;
  invoice_attachments: InvoiceAttachmentsTable;
  org_limits: OrgLimitsTable;
  xero_calls: XeroCallsTable;
  installs: InstallsTable;
  dpop_proofs: DpopProofsTable;
  oauth_states: OauthStatesTable;
  connections: ConnectionsTable;
  grants: GrantsTable;
  relay_codes: RelayCodesTable;
}
