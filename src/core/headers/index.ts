/**
 * The header analyzer: what a delivered message's headers say about Microsoft 365's verdict
 * (reference: message-headers.md). Pure: no I/O, no clock.
 */
// The analyzer and its explanation.
export { analyzeHeaders } from './analyze.js'
export { explainLines } from './explain.js'
export type {
  AnalyzeOptions,
  AuthSummary,
  Bypass,
  ClaimedConclusion,
  UnconfirmedConclusion,
  DecodedHeaders,
  Direction,
  Evidence,
  HeaderAnalysis,
  VendorCheck,
  VendorInput,
  Verdict,
} from './types.js'
// The parts, for callers that decode one header at a time.
export { parseHeaderBlock, DEFAULT_LIMITS } from './parse.js'
export type { HeaderBlock, ParseLimits, RawHeader } from './parse.js'
export { splitPairs } from './fields.js'
export type { DecodedField, FieldPair } from './fields.js'
export { parseReceived, isEopHost, isMicrosoftHost, isOutboundEopHost } from './received.js'
export type { ReceivedHop } from './received.js'
export { decodeForefrontReport } from './forefront.js'
export type { ForefrontReport } from './forefront.js'
export { decodeAntispam } from './antispam.js'
export type { AntispamHeader } from './antispam.js'
export { decodeAuthResults, dmarcActionMeaning } from './auth-results.js'
export type { AuthMethod, AuthResults } from './auth-results.js'
export { compauthReason, compauthReasonMeaning } from './compauth.js'
export type { CompauthReason, CompauthReasonSource } from './compauth.js'
export { decodeOrganization } from './organization.js'
export type { OrganizationHeaders } from './organization.js'
export { decodeEnhancedFiltering } from './enhanced-filtering.js'
export type { EnhancedFilteringHeader } from './enhanced-filtering.js'
export { decodeAtpProperties } from './atp.js'
export type { AtpProperties } from './atp.js'
export { decodeMailboxDelivery } from './mailbox-delivery.js'
export type { MailboxDelivery } from './mailbox-delivery.js'
export { decodeSafeLink, findSafeLinks } from './safe-links.js'
export type { SafeLink } from './safe-links.js'
export { findTenantMarkers, CONSUMER_TENANT_ID } from './tenant.js'
export type { TenantMarkers } from './tenant.js'
export { decideTrust } from './trust.js'
export type { ReportStatus, TrustDecision } from './trust.js'
export { checkVendor, ipMatches } from './vendor-check.js'
// The meanings of the reference tables.
export {
  bclMeaning,
  catMeaning,
  CAT_MEANINGS,
  CAT_ORDER,
  customSpamMeaning,
  resolveSki,
  sclMeaning,
  sfvMeaning,
  SFV_MEANINGS,
  sftyMeaning,
} from './vocabulary.js'
