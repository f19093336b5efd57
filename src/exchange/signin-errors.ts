/**
 * Sign-in failures (msal-node errors, Entra's AADSTS codes) mapped to PASSAGE_E_SIGNIN with the
 * reason and a hint an admin can act on (reference §1.6, §1.8 (4)). Only codes and Entra's text
 * are kept: never a token, a device code or an assertion.
 */
import { PassageError } from '../core/errors/index.js'
import type { DiscoveryRefusal } from './msal-network.js'
import { HttpFailure } from './http.js'
import { networkError } from './errors.js'

/** Why a sign-in failed. */
export type SignInReason =
  | 'consent'
  | 'conditional-access'
  | 'wrong-account'
  | 'declined'
  | 'expired'
  | 'bad-code'
  | 'app-credentials'
  | 'tenant'
  | 'cancelled'
  | 'other'

interface Rule {
  reason: SignInReason
  test: RegExp
  message: string
  hint: string
}

const RULES: Rule[] = [
  {
    reason: 'consent',
    test: /AADSTS65001|consent_required/i,
    message: 'the app has not been granted consent in this tenant',
    hint: 'A Global Administrator must consent to the sign-in app for the tenant (Enterprise applications > Permissions > Grant admin consent), then run `passage connect` again.',
  },
  {
    reason: 'conditional-access',
    test: /AADSTS53003|AADSTS53000|AADSTS53001|AADSTS50158/i,
    message: 'a Conditional Access policy blocked the sign-in',
    hint: 'Sign in from a device and location your Conditional Access policies allow, or ask an administrator to exclude this sign-in (device code flow) for the admin account.',
  },
  {
    reason: 'wrong-account',
    test: /AADSTS50020|AADSTS50034|AADSTS90072/i,
    message: 'the account used does not belong to this tenant',
    hint: "Sign in with an admin account of the tenant itself (not a guest or personal account); use a private browser window if another account's session is remembered.",
  },
  {
    reason: 'declined',
    test: /authorization_declined|access_denied|declined/i,
    message: 'the sign-in was declined on the sign-in page',
    hint: 'Run `passage connect` again and choose Continue on the sign-in page.',
  },
  {
    reason: 'expired',
    test: /expired_token|device_code_expired|AADSTS70019|AADSTS70020|code_expired|user_timeout_reached|expired/i,
    message: 'the sign-in code expired before it was used',
    hint: 'Run `passage connect` again and enter the new code within 15 minutes.',
  },
  {
    reason: 'bad-code',
    test: /bad_verification_code|code_redeemed/i,
    message: 'the sign-in code is not valid',
    hint: 'Run `passage connect` again for a new code.',
  },
  {
    reason: 'tenant',
    test: /AADSTS90002|AADSTS90019|invalid_tenant|tenant .* not found/i,
    message: 'the tenant was not found',
    hint: 'Check the tenant: its GUID or a verified domain such as contoso.onmicrosoft.com.',
  },
  {
    reason: 'app-credentials',
    test: /invalid_client|unauthorized_client|AADSTS700016|AADSTS700027|AADSTS7000215|AADSTS700024|AADSTS50027|AADSTS7000112|AADSTS500011/i,
    message: 'the app registration or its certificate was refused',
    hint: 'Check the app id, that the certificate uploaded to the app matches the private key (and has not expired), and that the app exists in this tenant with Exchange.ManageAsApp consented.',
  },
  {
    reason: 'cancelled',
    test: /device_code_polling_cancelled|cancelled|canceled/i,
    message: 'the sign-in was cancelled',
    hint: 'Run `passage connect` again.',
  },
]

/** What msal errors carry (without importing msal here). */
interface MsalLike {
  errorCode?: unknown
  errorMessage?: unknown
  subError?: unknown
  message?: unknown
  cause?: unknown
}

/** The AADSTS code in a text, if any. */
export function aadstsCode(text: string): string | null {
  return /AADSTS\d{5,7}/.exec(text)?.[0] ?? null
}

/**
 * The refusal of an unknown tenant (AADSTS90002) in a token endpoint's answer, as msal reports it,
 * in the form of a discovery refusal (Entra's description, from its AADSTS code on); undefined for
 * any other failure.
 */
export function tenantRefusal(e: unknown): DiscoveryRefusal['refused'] {
  const m = (typeof e === 'object' && e !== null ? e : {}) as MsalLike
  const text = typeof m.errorMessage === 'string' ? m.errorMessage : ''
  const at = text.search(/AADSTS90002\b/)
  if (at < 0) return undefined
  return { status: 400, error: 'invalid_tenant', description: text.slice(at) }
}

/** Maps any sign-in failure to a PassageError (PASSAGE_E_SIGNIN, or PASSAGE_E_NETWORK). */
export function signInError(e: unknown, discovery?: DiscoveryRefusal): PassageError {
  if (e instanceof PassageError) return e
  // The authority refused the tenant itself (AADSTS90002): the name or id is wrong.
  const refused = discovery?.refused
  if (refused && /AADSTS90002|invalid_tenant/i.test(`${refused.error} ${refused.description}`))
    return new PassageError(
      'PASSAGE_E_TENANT_UNKNOWN',
      `The sign-in service knows no tenant by that name: ${firstLine(refused.description) || refused.error}`,
      { details: { errorCode: aadstsCode(refused.description) ?? refused.error } },
    )
  const m = (typeof e === 'object' && e !== null ? e : {}) as MsalLike
  const cause = m.cause
  if (cause instanceof HttpFailure) return networkError(cause, 'Cannot reach the sign-in service')
  if (e instanceof HttpFailure) return networkError(e, 'Cannot reach the sign-in service')
  const code = typeof m.errorCode === 'string' ? m.errorCode : ''
  const text = [
    code,
    typeof m.subError === 'string' ? m.subError : '',
    typeof m.errorMessage === 'string' ? m.errorMessage : '',
    typeof m.message === 'string' ? m.message : e instanceof Error ? '' : String(e),
  ].join(' ')
  // msal swallows a failed metadata fetch (an unreachable or untrusted authority) and reports
  // that the endpoints cannot be resolved.
  if (
    /network_error|Network request failed|ECONNREFUSED|ENOTFOUND|certificate|self-signed|endpoints_resolution_error|openid_config_error/i.test(
      text,
    ) &&
    !aadstsCode(text)
  )
    return new PassageError(
      'PASSAGE_E_NETWORK',
      `Cannot reach the sign-in service: ${firstLine(text)}`,
      {
        cause: e,
        details: { errorCode: code || null },
        hint: 'Check the network, the authority URL and, for the sandbox, that its CA is given.',
      },
    )
  const aadsts = aadstsCode(text)
  const rule = RULES.find((r) => r.test.test(text))
  const reason: SignInReason = rule?.reason ?? 'other'
  const entra = firstLine(
    (typeof m.errorMessage === 'string' && m.errorMessage) ||
      (typeof m.message === 'string' && m.message) ||
      code,
  )
  return new PassageError(
    'PASSAGE_E_SIGNIN',
    `Sign-in failed: ${rule?.message ?? 'the sign-in service refused it'}${aadsts ? ` (${aadsts})` : ''}.${entra ? ` Entra said: ${entra}` : ''}`,
    {
      cause: e,
      details: { reason, ...(aadsts ? { aadsts } : {}), ...(code ? { errorCode: code } : {}) },
      ...(rule ? { hint: rule.hint } : {}),
    },
  )
}

/** The first line of Entra's text, without its trace and correlation ids. */
function firstLine(text: string): string {
  return (text.split(/\r?\n/)[0] ?? '')
    .replace(/\s*Trace ID:.*$/i, '')
    .trim()
    .slice(0, 400)
}

/**
 * Why a saved sign-in (a refresh token in the token cache) cannot be used silently, in words an
 * admin understands: said before a new device code is shown, so a re-prompt is never silent.
 */
export function staleReason(e: unknown): string {
  const m = (typeof e === 'object' && e !== null ? e : {}) as MsalLike
  const text = [m.errorCode, m.subError, m.errorMessage, m.message]
    .filter((x): x is string => typeof x === 'string')
    .join(' ')
  const code = aadstsCode(text)
  const tag = code ? ` (${code})` : ''
  if (/AADSTS700082|AADSTS70043|AADSTS700084|expired/i.test(text))
    return `the saved sign-in expired${tag}`
  if (/AADSTS50173|AADSTS50133|revoked|password/i.test(text))
    return `the saved sign-in was revoked, for example after a password change${tag}`
  if (/AADSTS50076|AADSTS50079|AADSTS50158|AADSTS53003|multi-factor|conditional/i.test(text))
    return `the tenant now asks for a fresh sign-in (multi-factor or Conditional Access)${tag}`
  if (/AADSTS50034|AADSTS50057|does not exist|disabled/i.test(text))
    return `the saved account no longer exists or is disabled${tag}`
  if (/no_tokens_found|no refresh token|refresh_token/i.test(text))
    return 'the token cache holds no refresh token for this account'
  return `the saved sign-in was refused${tag || ' by the sign-in service'}`
}
