import { type AccountXeroStatus, describeXeroStatus } from '@/lib/account-status';

export function XeroStatus({ status }: { status: AccountXeroStatus }) {
  return (
    <span class={`xero-status xero-status--${status.kind}`} data-status={status.kind}>
      {describeXeroStatus(status)}
    </span>
  );
}
