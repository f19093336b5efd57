/** The device-login pages: plain HTML forms, no script, every value escaped. */
import type { SandboxAdmin } from '../contracts.js'

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

/** Headers for every device-login response: nothing runs, nothing frames it, nothing is cached. */
export const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
}

export const STYLESHEET = `body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;color:#1b1b1b}
main{max-width:440px;margin:48px auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
.brand{font-size:.85em;color:#5e5e5e;margin:0 0 16px}
h1{font-size:1.5em;font-weight:600;margin:0 0 16px}
label{display:block;margin:12px 0 4px}
input[type=text]{width:100%;box-sizing:border-box;padding:6px 0;border:0;border-bottom:1px solid #666;font-size:1.1em;letter-spacing:.1em;text-transform:uppercase}
.error{color:#e81123;margin:8px 0}
.actions{display:flex;gap:8px;justify-content:flex-end;margin-top:24px}
button{padding:6px 20px;font-size:1em;border:1px solid #0067b8;cursor:pointer}
.primary{background:#0067b8;color:#fff}.secondary{background:#ccc;border-color:#ccc}
ul.accounts{list-style:none;padding:0;margin:0}
ul.accounts li{margin:0 0 8px}
ul.accounts button{width:100%;text-align:left;background:#fff;border:1px solid #ddd;padding:10px}
ul.accounts button:hover{background:#f2f2f2}
.upn{display:block;color:#5e5e5e;font-size:.9em}
.roles{display:block;font-size:.85em;color:#0067b8}
.warn{display:block;font-size:.85em;color:#a4262c}
.small{font-size:.85em;color:#5e5e5e}`

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/devicelogin/style.css">
</head>
<body>
<main>
<p class="brand">passage sandbox &middot; Microsoft Entra ID (emulated)</p>
${body}
</main>
</body>
</html>
`
}

export function enterCodePage(error: string | null, code = ''): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
${error === null ? '' : `<p class="error" role="alert">${escapeHtml(error)}</p>`}
<form method="post" action="/devicelogin/code">
<label for="otc">Code</label>
<input type="text" id="otc" name="otc" value="${escapeHtml(code)}" maxlength="32" autocomplete="off" autofocus required>
<div class="actions"><button class="primary" type="submit">Next</button></div>
</form>`,
  )
}

export interface AccountChoice {
  tenantId: string
  tenantName: string
  admin: SandboxAdmin
}

export function pickAccountPage(flow: string, appName: string, accounts: AccountChoice[]): string {
  const items = accounts
    .map(({ tenantName, admin }) => {
      const roles = admin.roles.length === 0 ? 'No administrator roles' : admin.roles.join(', ')
      const warn = admin.exchangeApiEnabled
        ? ''
        : '<span class="warn">Exchange Online PowerShell / API access disabled</span>'
      return `<li><button type="submit" name="upn" value="${escapeHtml(admin.upn)}">
<span>${escapeHtml(admin.displayName)}</span>
<span class="upn">${escapeHtml(admin.upn)} &middot; ${escapeHtml(tenantName)}</span>
<span class="roles">${escapeHtml(roles)}</span>${warn}
</button></li>`
    })
    .join('\n')
  const body =
    accounts.length === 0
      ? '<p class="error" role="alert">This tenant has no accounts that can sign in.</p>'
      : `<form method="post" action="/devicelogin/account">
<input type="hidden" name="flow" value="${escapeHtml(flow)}">
<ul class="accounts">
${items}
</ul>
</form>`
  return page(
    'Pick an account',
    `<h1>Pick an account</h1>
<p>to continue to ${escapeHtml(appName)}</p>
${body}`,
  )
}

export function confirmPage(
  flow: string,
  appName: string,
  admin: SandboxAdmin,
  resourceName: string,
): string {
  return page(
    'Are you trying to sign in?',
    `<p>${escapeHtml(admin.upn)}</p>
<h1>Are you trying to sign in to ${escapeHtml(appName)}?</h1>
<p>Only continue if you downloaded the app from a store or website that you trust.</p>
<p class="small">The app asks for access to ${escapeHtml(resourceName)} as you.</p>
<form method="post" action="/devicelogin/confirm">
<input type="hidden" name="flow" value="${escapeHtml(flow)}">
<div class="actions">
<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button>
<button class="primary" type="submit" name="decision" value="continue">Continue</button>
</div>
</form>`,
  )
}

export function donePage(appName: string): string {
  return page(
    appName,
    `<h1>${escapeHtml(appName)}</h1>
<p>You have signed in to the ${escapeHtml(appName)} application on your device. You may now close this window.</p>`,
  )
}

export function cancelledPage(appName: string): string {
  return page(
    'Sign-in cancelled',
    `<h1>Sign-in cancelled</h1>
<p>You did not sign in to ${escapeHtml(appName)}. You may now close this window.</p>`,
  )
}

export function errorPage(title: string, text: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="error" role="alert">${escapeHtml(text)}</p>
<p><a href="/devicelogin">Start again</a></p>`,
  )
}

export interface ConsentPageInput {
  flow: string
  /** Where the form posts (the tenant's consent path). */
  action: string
  appName: string
  tenantName: string
  permissions: readonly string[]
  admins: readonly SandboxAdmin[]
}

/** The admin consent page: the app's permissions, the account that accepts, Accept or Cancel. */
export function consentPage(input: ConsentPageInput): string {
  const perms = input.permissions.map((p) => `<li>${escapeHtml(p)} (application)</li>`).join('\n')
  const accounts = input.admins
    .map((a, i) => {
      const roles = a.roles.length === 0 ? 'No administrator roles' : a.roles.join(', ')
      return `<li><label><input type="radio" name="upn" value="${escapeHtml(a.upn)}"${i === 0 ? ' checked' : ''}>
<span>${escapeHtml(a.displayName)}</span>
<span class="upn">${escapeHtml(a.upn)}</span>
<span class="roles">${escapeHtml(roles)}</span></label></li>`
    })
    .join('\n')
  return page(
    'Permissions requested',
    `<h1>Permissions requested</h1>
<p><strong>${escapeHtml(input.appName)}</strong> asks for these permissions in ${escapeHtml(input.tenantName)}:</p>
<ul>
${perms || '<li>No application permissions</li>'}
</ul>
<p class="small">Accepting consents on behalf of your whole organization. Only a Global Administrator can accept.</p>
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="flow" value="${escapeHtml(input.flow)}">
<ul class="accounts">
${accounts}
</ul>
<div class="actions">
<button class="secondary" type="submit" name="decision" value="cancel">Cancel</button>
<button class="primary" type="submit" name="decision" value="accept">Accept</button>
</div>
</form>`,
  )
}

/** After consent without a redirect URI. */
export function consentDonePage(appName: string, tenantName: string, objectId: string): string {
  return page(
    'Permissions granted',
    `<h1>Permissions granted</h1>
<p>${escapeHtml(appName)} can now use its permissions in ${escapeHtml(tenantName)}. You may now close this window.</p>
<p class="small" data-service-principal="${escapeHtml(objectId)}">Service principal object id: ${escapeHtml(objectId)}</p>`,
  )
}
