/** Entra's OAuth error bodies: `{error, error_description: "AADSTS…", error_codes, …}`. */
import { newGuid } from './ids.js'

export interface EntraErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri: string
}

/** An OAuth failure the token or device-code endpoint answers with. */
export class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly text: string,
  ) {
    super(`AADSTS${code}: ${text}`)
  }
}

/** Entra's timestamp format: `2026-11-20 09:00:00Z`. */
function entraTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
}

export function errorBody(
  err: EntraError,
  now: Date,
  baseUrl: string,
  correlationId: string | undefined,
): EntraErrorBody {
  const traceId = newGuid()
  const correlation =
    correlationId !== undefined && correlationId !== '' ? correlationId : newGuid()
  const timestamp = entraTimestamp(now)
  return {
    error: err.error,
    error_description: `AADSTS${err.code}: ${err.text} Trace ID: ${traceId} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [err.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `${baseUrl}/error?code=${err.code}`,
  }
}

/** The errors the sandbox's sign-in uses, by name. */
export const Errors = {
  tenantNotFound: (tenant: string) =>
    new EntraError(
      400,
      'invalid_request',
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    ),
  missingParameter: (name: string) =>
    new EntraError(
      400,
      'invalid_request',
      900144,
      `The request body must contain the following parameter: '${name}'.`,
    ),
  unsupportedGrant: (grant: string) =>
    new EntraError(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${grant}'.`,
    ),
  appNotFound: (clientId: string, tenant: string) =>
    new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    ),
  /**
   * The app's service principal in this tenant is disabled (accountEnabled false). Entra:
   * "AADSTS7000112 UnauthorizedClientApplicationDisabled - The application is disabled."
   * (entra-docs docs/identity-platform/reference-error-codes.md); the wording of the description
   * is the troubleshooting article's ("Application '<appIdentifier>'(<appName>) disabled.").
   */
  appDisabled: (clientId: string, name: string) =>
    new EntraError(
      400,
      'unauthorized_client',
      7000112,
      `Application '${clientId}'(${name}) is disabled.`,
    ),
  /** The redirect URI is not one the app registered (AADSTS50011, reference-error-codes.md). */
  replyMismatch: (redirectUri: string, clientId: string) =>
    new EntraError(
      400,
      'invalid_request',
      50011,
      `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
    ),
  /**
   * A signed-in user who may not grant tenant-wide consent (AADSTS90094 AdminConsentRequired,
   * reference-error-codes.md). The sandbox lets only a Global Administrator grant it.
   */
  adminConsentRequired: (upn: string) =>
    new EntraError(
      403,
      'access_denied',
      90094,
      `Admin consent is required for the permissions requested by this application. ${upn} cannot grant it: sign in as a Global Administrator of the tenant.`,
    ),
  /** The admin declined (the consent doc's error response: AADSTS65004). */
  consentDeclined: () =>
    new EntraError(
      400,
      'consent_required',
      65004,
      'The resource owner or authorization server denied the request.',
    ),
  invalidScope: (text: string) => new EntraError(400, 'invalid_scope', 70011, text),
  multipleResources: (scope: string) =>
    new EntraError(
      400,
      'invalid_scope',
      28000,
      `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
    ),
  resourceNotFound: (resource: string, tenant: string) =>
    new EntraError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    ),
  clientCredentialsScope: (scope: string) =>
    new EntraError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    ),
  /** A Microsoft first-party client asking for an API it is not preauthorized for (AADSTS65002). */
  notPreauthorized: (clientId: string, resourceAppId: string) =>
    new EntraError(
      400,
      'invalid_grant',
      65002,
      `Consent between first party application '${clientId}' and first party resource '${resourceAppId}' must be configured via preauthorization - applications owned and operated by Microsoft must get approval from the API owner before requesting tokens for that API.`,
    ),
  /** A client nobody in the tenant consented to, asking for an API (AADSTS65001). */
  consentRequired: (clientId: string, resourceAppId: string) =>
    new EntraError(
      400,
      'invalid_grant',
      65001,
      `The user or administrator has not consented to use the application with ID '${clientId}'. Send an interactive authorization request for this user and resource ${resourceAppId}.`,
    ),
  noTenantInfo: () =>
    new EntraError(
      400,
      'invalid_request',
      50059,
      'No tenant-identifying information found in either the request or implied by any provided credentials.',
    ),
  pending: () =>
    new EntraError(
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    ),
  slowDown: (interval: number) =>
    new EntraError(
      400,
      'slow_down',
      70016,
      `OAuth 2.0 device flow error. The client is polling too frequently. Wait at least ${interval} seconds between requests.`,
    ),
  expiredCode: () => new EntraError(400, 'expired_token', 70019, 'Verification code expired.'),
  declined: () =>
    new EntraError(
      400,
      'authorization_declined',
      70020,
      'The end user declined the authorization request.',
    ),
  badVerificationCode: () =>
    new EntraError(
      400,
      'bad_verification_code',
      70018,
      'Invalid verification code due to the device code not being recognized.',
    ),
  codeRedeemed: () =>
    new EntraError(
      400,
      'invalid_grant',
      70000,
      "The provided value for the input parameter 'device_code' is not valid. It has already been redeemed.",
    ),
  clientMismatch: () =>
    new EntraError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. It was issued to a different client.',
    ),
  invalidGrant: (text: string) => new EntraError(400, 'invalid_grant', 70000, text),
  refreshExpired: () =>
    new EntraError(
      400,
      'invalid_grant',
      700082,
      'The refresh token has expired due to inactivity. The token was issued on a date and was inactive for 90 days.',
    ),
  userGone: (upn: string, tenant: string) =>
    new EntraError(
      400,
      'invalid_grant',
      50034,
      `The user account ${upn} does not exist in the ${tenant} directory. To sign into this application, the account must be added to the directory.`,
    ),
  missingAssertion: () =>
    new EntraError(
      401,
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    ),
  clientSecret: () =>
    new EntraError(
      401,
      'invalid_client',
      7000215,
      'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to the app.',
    ),
  assertionType: () =>
    new EntraError(
      400,
      'invalid_request',
      50027,
      "The 'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
    ),
  assertionMalformed: (why: string) =>
    new EntraError(401, 'invalid_client', 50027, `JWT token is invalid or malformed. ${why}`),
  assertionKeyUnknown: (thumbprint: string, clientId: string) =>
    new EntraError(
      401,
      'invalid_client',
      700027,
      `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    ),
  assertionSignature: () =>
    new EntraError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.'),
  assertionTime: (now: Date) =>
    new EntraError(
      401,
      'invalid_client',
      700024,
      `Client assertion is not within its valid time range. Current time: ${now.toISOString()}.`,
    ),
  assertionIssuer: () =>
    new EntraError(
      401,
      'invalid_client',
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter.",
    ),
  assertionAudience: (aud: string) =>
    new EntraError(
      401,
      'invalid_client',
      50027,
      `JWT token is invalid or malformed. The assertion audience '${aud}' is not this tenant's token endpoint.`,
    ),
  assertionReplay: () =>
    new EntraError(
      401,
      'invalid_client',
      50027,
      "JWT token is invalid or malformed. The assertion's 'jti' has already been used.",
    ),
  publicClientWithAssertion: () =>
    new EntraError(
      400,
      'invalid_request',
      700025,
      "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    ),
  invalidClientId: (clientId: string) =>
    new EntraError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory.`,
    ),
} as const
