/** Next to a statements row that only offers "Request Report": there is no file to send yet. */
export function RequestHint() {
  return (
    <span class="sb-control sb-hint" data-testid="sb-request-hint">
      Settlebridge: request this report in Seller Central first; it can be sent once its download appears.
    </span>
  );
}
