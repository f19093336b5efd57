/**
 * Decoder for the Enhanced Filtering for Connectors headers (skip listing):
 * X-MS-Exchange-SkipListedInternetSender and X-MS-Exchange-ExternalOriginalInternetSender
 * (message-headers §1.3). They record the original internet sender; they don't bypass filtering.
 */
import { ipInText } from './received.js'

/** A decoded Enhanced Filtering header. */
export interface EnhancedFilteringHeader {
  header: string
  index: number
  raw: string
  /** The original internet sender's IP. */
  ip: string | null
  /** The original internet sender's domain (HELO or host name). */
  domain: string | null
  meaning: string
}

/** Lower-cased names of the Enhanced Filtering headers. */
export const EFC_HEADERS: ReadonlySet<string> = new Set([
  'x-ms-exchange-skiplistedinternetsender',
  'x-ms-exchange-externaloriginalinternetsender',
])

// ms-rule: hdr.efc.skip-listing
/** Decodes `ip=[203.0.113.10];domain=mail.example.com`. Never throws. */
export function decodeEnhancedFiltering(
  value: string,
  header = 'X-MS-Exchange-ExternalOriginalInternetSender',
  index = 0,
): EnhancedFilteringHeader {
  let ip: string | null = null
  let domain: string | null = null
  for (const piece of value.slice(0, 4096).split(';')) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const k = piece.slice(0, eq).trim().toLowerCase()
    const v = piece.slice(eq + 1).trim()
    if (k === 'ip' && ip === null) ip = ipInText(v)
    else if (k === 'domain' && domain === null && v.length > 0) domain = v.toLowerCase()
  }
  const skip = header.toLowerCase() === 'x-ms-exchange-skiplistedinternetsender'
  return {
    header,
    index,
    raw: value,
    ip,
    domain,
    meaning: skip
      ? `Enhanced Filtering skipped the gateway and found the original sender ${ip ?? '?'} (${domain ?? '?'}); filtering still ran`
      : `the original internet sender before the gateway was ${ip ?? '?'} (${domain ?? '?'})`,
  }
}
