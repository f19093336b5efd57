import type { Category, ForefrontReport, Sfv, StampedHeaders } from './types.js'

/** What goes into the stamped headers. */
export interface HeaderInput {
  cip: string
  country?: string | undefined
  direction: 'inbound' | 'intra-org'
  sfv: Sfv
  category: Category
  scl: number
  ipAllowListed: boolean
  bulkOverThreshold: boolean
  bcl: number
  authenticationResults: string
  setByRules: Record<string, string>
}

/** The X-Forefront-Antispam-Report EOP stamps (message-headers §1.1). */
export function forefrontReport(h: HeaderInput): ForefrontReport {
  const fields: Array<[string, string]> = [
    ['CIP', h.cip],
    ...(h.country ? ([['CTRY', h.country]] as Array<[string, string]>) : []),
    ['SCL', String(h.scl)],
    ['SRV', h.bulkOverThreshold ? 'BULK' : ''],
    // ms-rule: eval.stamp.ip-allow-cal-skn (the SFV comes from the allow: SKN)
    ['IPV', h.ipAllowListed ? 'CAL' : 'NLI'],
    ['SFV', h.sfv],
    ['CAT', h.category],
    ['DIR', h.direction === 'intra-org' ? 'INT' : 'INB'],
  ]
  return {
    raw: fields.map(([k, v]) => `${k}:${v};`).join(''),
    fields: Object.fromEntries(fields),
  }
}

/** Parses an X-Forefront-Antispam-Report value into its fields (unfolded; `(null)` dropped). */
export function parseForefrontReport(raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of raw
    .replace(/\(null\)/g, '')
    .replace(/\s*\r?\n\s*/g, ' ')
    .split(';')) {
    const i = part.indexOf(':')
    if (i <= 0) continue
    out[part.slice(0, i).trim()] = part.slice(i + 1).trim()
  }
  return out
}

/**
 * The headers stamped on the delivered copy: X-Forefront-Antispam-Report, X-Microsoft-Antispam
 * (BCL), X-MS-Exchange-Organization-SCL, Authentication-Results, then those set by mail flow rules.
 */
export function stampHeaders(h: HeaderInput): StampedHeaders {
  const forefront = forefrontReport(h)
  const all: Record<string, string> = {
    'X-Forefront-Antispam-Report': forefront.raw,
    'X-Microsoft-Antispam': `BCL:${h.bcl};`,
    'X-MS-Exchange-Organization-SCL': String(h.scl),
    'Authentication-Results': h.authenticationResults,
    ...h.setByRules,
  }
  return { all, forefront, setByRules: { ...h.setByRules } }
}
