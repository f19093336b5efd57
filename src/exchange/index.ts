/**
 * The real remote side: the Exchange Online admin API (InvokeCommand, paging, `$batch`, retries,
 * error mapping), Microsoft Graph (licences, roles, domains) and sign-in (msal-node). It talks
 * HTTPS to whatever base URLs it is given: Microsoft's, or the sandbox's.
 */
export {
  AUDIENCES,
  defaultScope,
  EXO_POWERSHELL_CLIENT_ID,
  GRAPH_CLI_CLIENT_ID,
  graphClientIdFor,
  isTenantGuid,
  MICROSOFT_ENDPOINTS,
  normaliseTenant,
  resolveEndpoints,
  sandboxEndpoints,
  type Audience,
  type ExchangeEndpoints,
} from './config.js'
export type { TokenProvider, TokenRequestOptions } from './tokens.js'
export {
  signInFromCache,
  signInWithCertificate,
  signInWithDeviceCode,
  type CachedSignIn,
  type CachedSignInOptions,
  type CertificateOptions,
  type DeviceCodeOptions,
  type DeviceCodePrompt,
  type SignedIn,
  type SignInOptions,
} from './auth.js'
export {
  checkPassphrase,
  deleteTokenCacheFile,
  fileTokenCache,
  openTokenCache,
  sealTokenCache,
  DEFAULT_SCRYPT_COST,
  MIN_PASSPHRASE_LENGTH,
  STORED_KEY_LENGTH,
  TOKEN_CACHE_VERSION,
  type CacheSecret,
  type FileTokenCache,
  type FileTokenCacheOptions,
  type ScryptCost,
} from './token-cache.js'
export { APP_ANCHOR_MAILBOX, ExchangeClient, type ExchangeClientOptions } from './client.js'
export { isIdempotent, type CmdletResult, type ExoObject, type InvokeOptions } from './invoke.js'
export { callsPerRound, MAX_BATCH_SIZE, type BatchOptions, type BatchOutcome } from './batch.js'
export {
  GraphClient,
  type DomainInfo,
  type GraphClientOptions,
  type OrganizationInfo,
  type RolesInfo,
} from './graph.js'
export {
  exchangeGroupMembers,
  exchangeOrganization,
  initialDomainOf,
  type ExchangeGroupMembers,
  type ExchangeOrganization,
} from './directory.js'
export { detectLicence, type LicenceInfo, type SubscribedSku } from './licence.js'
export { readClaims, type TokenClaims } from './claims.js'
export { rolesNeededFor, roleName, ROLE_TEMPLATES } from './roles.js'
export { mapExchangeError, mapGraphError, parseExchangeError } from './errors.js'
export { signInError, staleReason, type SignInReason } from './signin-errors.js'
export {
  cacheKeyFrom,
  openSecretStore,
  storeName,
  type OpenSecretStoreOptions,
  type SecretStore,
  type SecretStoreProbe,
} from './secret-store.js'
export { agentSocketPath, keyAgentStore, type KeyAgentOptions } from './key-agent.js'
export { DEFAULT_RETRY, type RetryPolicy, type Sleep } from './retry.js'
export { DEFAULT_TENANT_CONCURRENCY, Semaphore } from './semaphore.js'
export { createHttpClient, HttpFailure, type HttpClient } from './http.js'
export type { TransportEvent } from './transport.js'
export { memoTokens, type MemoTokenProvider } from './token-memo.js'
