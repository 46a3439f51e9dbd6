/**
 * The consent page, shaped like Xero's: the app asks for access, the user ticks the
 * organisations to connect, then "Allow access" or "Cancel". Plain HTML with no script,
 * so a person, puppeteer or a plain HTTP test can drive it by submitting the form.
 */
export interface ConsentOrganisation {
  tenantId: string;
  name: string;
  isConnected: boolean;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function renderConsentPage(input: {
  consentId: string;
  appName: string;
  userEmail: string;
  scopes: string[];
  organisations: ConsentOrganisation[];
  error?: string;
}): string {
  const orgs = input.organisations
    .map(
      (o) =>
        `<li><label><input type="checkbox" name="tenant" value="${escapeHtml(o.tenantId)}"${
          o.isConnected ? ' checked' : ''
        } data-testid="tenant-${escapeHtml(o.tenantId)}"> ${escapeHtml(o.name)}</label></li>`,
    )
    .join('\n      ');
  const scopes = input.scopes.map((s) => `<li><code>${escapeHtml(s)}</code></li>`).join('');
  const error = input.error ? `<p role="alert" class="error">${escapeHtml(input.error)}</p>` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Xero (sim) | Authorise ${escapeHtml(input.appName)}</title>
  <style>
    body { font: 15px system-ui, sans-serif; max-width: 32rem; margin: 3rem auto; color: #1e3145; }
    h1 { font-size: 1.3rem; } ul { padding-left: 1.2rem; } .error { color: #c0392b; }
    button { font-size: 1rem; padding: .5rem 1.2rem; margin-right: .5rem; border-radius: 4px; }
    .allow { background: #13b5ea; color: white; border: 0; }
  </style>
</head>
<body>
  <h1>${escapeHtml(input.appName)} wants access to your Xero organisations</h1>
  <p>Signed in as ${escapeHtml(input.userEmail)}. This app will be able to:</p>
  <ul>${scopes}</ul>
  <form method="post" action="/connect/authorize">
    <input type="hidden" name="consent_id" value="${escapeHtml(input.consentId)}">
    ${error}
    <fieldset>
      <legend>Select organisations to connect</legend>
      <ul>
      ${orgs}
      </ul>
    </fieldset>
    <button type="submit" name="action" value="allow" class="allow" data-testid="allow">Allow access</button>
    <button type="submit" name="action" value="cancel" data-testid="cancel">Cancel</button>
  </form>
</body>
</html>`;
}

export function renderErrorPage(title: string, detail: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Xero (sim) | ${escapeHtml(
    title,
  )}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`;
}
