/**
 * Finds and decodes Microsoft Defender Safe Links wrapped URLs (message-headers §1.6):
 * `https://<region>.safelinks.protection.outlook.com/?url=<target>&data=<v>|<v>|<recipient>|
 * <id>|<tenant>|...&sdata=...&reserved=0`, the US government and 21Vianet hosts, and the Teams
 * and OWA forms.
 */

/** One decoded Safe Links URL. */
export interface SafeLink {
  /** The wrapped URL as found (HTML `&amp;` and quoted-printable `=3D` undone). */
  wrapped: string
  /** The original URL, decoded; null when the `url` parameter is missing or malformed. */
  target: string | null
  /** Region code from the host (nam11, eur01, gcc02, ...); null for Teams/OWA forms. */
  region: string | null
  host: string
  kind: 'email' | 'teams' | 'owa'
  /** Recipient address from `data` (obs). */
  recipient: string | null
  /** Recipient tenant ID from `data`, as a GUID (obs). */
  tenantId: string | null
  /** The 32-hex ID before the tenant (looks like the Network-Message-Id), as a GUID (obs). */
  messageId: string | null
  /** The version pair at the start of `data`, e.g. `05|02`. */
  version: string | null
  /** When the link was wrapped, from the .NET ticks in `data`, as ISO 8601 UTC. */
  wrappedAt: string | null
  /** The decoded client hint (e.g. `Mailflow|{...}`), when present. */
  clientHint: string | null
  /** Whether it was found in the header section or the body. */
  location: 'header' | 'body'
}

/** Maximum number of candidate links examined per scan. */
export const MAX_LINKS = 200
/** Longest wrapped URL read. */
const MAX_URL = 8192

// Every alternative contains "safelink": analyze.ts skips the scan of a header section without it.
const MARKER = /safelinks\.protection\.|atp-safelinks\.html|\/mail\/safelink\.html/gi
const SCHEME = /https?:\/\//gi
/** Characters that end a URL, by char code (all below 128). */
const STOP = new Uint8Array(128)
for (const ch of [' ', '\t', '\r', '\n', '"', "'", '<', '>', ')', ']', '`', '\\', '{', '}'])
  STOP[ch.charCodeAt(0)] = 1

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s)
  } catch {
    return null
  }
}

function guid(hex: string): string | null {
  if (!/^[0-9a-f]{32}$/i.test(hex)) return null
  const h = hex.toLowerCase()
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** .NET ticks (100 ns since 0001-01-01) of the Unix epoch, in units of 10,000 ticks (1 ms). */
const EPOCH_MS = 62135596800000

/**
 * The ISO time of .NET ticks written as 17-19 digits; null outside the Date range. Milliseconds
 * since 1970 are (ticks - epoch ticks) / 10,000 rounded toward zero; both are split at the last
 * four digits, so the arithmetic stays exact in doubles (the leading digits are below 2^53).
 */
export function ticksToIso(t: string): string | null {
  if (!/^\d{17,19}$/.test(t)) return null
  const high = Number(t.slice(0, -4)) - EPOCH_MS
  const low = Number(t.slice(-4))
  // A difference between -10,000 and 0 ticks rounds toward zero to 0 ms.
  const ms = high >= 0 ? high : high === -1 && low > 0 ? 0 : -1
  if (ms < 0 || ms > 8640000000000000) return null
  return isoOfMs(ms)
}

/** The first millisecond of the year 10000 (1970 + ms): Date writes later years with six digits. */
const YEAR_10000 = 253402300800000

/** n with a leading zero below 10. */
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`)

/**
 * `new Date(ms).toISOString()` for a whole number of milliseconds from 0 to before the year
 * 10000, written out (the Date object and its C++ formatter are most of a link's decoding); other
 * times go to Date. The civil date is the proleptic Gregorian one Date uses (days from
 * 1970-01-01 to year, month and day by 400-year eras of 146,097 days, years starting in March).
 */
export function isoOfMs(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000) || ms !== Math.floor(ms)) return new Date(ms).toISOString()
  const days = Math.floor(ms / 86400000)
  const inDay = ms - days * 86400000
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const h = Math.floor(inDay / 3600000)
  const min = Math.floor((inDay % 3600000) / 60000)
  const sec = Math.floor((inDay % 60000) / 1000)
  const milli = inDay % 1000
  const mmm = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : `${milli}`
  return `${year}-${two(month)}-${two(day)}T${two(h)}:${two(min)}:${two(sec)}.${mmm}Z`
}

function base64Text(s: string): string | null {
  if (!/^[A-Za-z0-9+/=_-]{4,4096}$/.test(s)) return null
  try {
    // atob gives one character per byte (codes 0-255): the text as it is.
    const out = atob(s.replace(/-/g, '+').replace(/_/g, '/'))
    return /^[\x20-\x7e]+$/.test(out) ? out : null
  } catch {
    return null
  }
}

/** Splits a query string into its parameters (first value wins; values still percent-encoded). */
function queryParams(query: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of query.split('&', 64)) {
    const eq = part.indexOf('=')
    const k = (eq < 0 ? part : part.slice(0, eq)).toLowerCase()
    if (!out.has(k)) out.set(k, eq < 0 ? '' : part.slice(eq + 1))
  }
  return out
}

/** Decodes one Safe Links URL; null when it isn't one. Never throws. */
export function decodeSafeLink(url: string, location: 'header' | 'body' = 'body'): SafeLink | null {
  const wrapped = url.slice(0, MAX_URL).replace(/&amp;/gi, '&')
  const m = /^https?:\/\/([^/?#\s]{1,253})(\/[^?#\s]*)?\?([^#\s]*)/i.exec(wrapped)
  if (!m) return null
  const host = (m[1] ?? '').toLowerCase()
  const path = (m[2] ?? '/').toLowerCase()
  let kind: SafeLink['kind']
  let region: string | null = null
  const sl = host.indexOf('.safelinks.protection.')
  if (sl > 0) {
    kind = 'email'
    region = host.slice(0, sl)
  } else if (host.endsWith('teams.cdn.office.net') && path.endsWith('atp-safelinks.html'))
    kind = 'teams'
  else if (host.startsWith('outlook.') && path.endsWith('/mail/safelink.html')) kind = 'owa'
  else return null
  let query = m[3] ?? ''
  if (/(^|&)url=3D/i.test(query)) query = query.replace(/=3D/gi, '=')
  const params = queryParams(query)
  const rawTarget = params.get('url')
  const target = rawTarget === undefined || rawTarget === '' ? null : safeDecode(rawTarget)
  const link: SafeLink = {
    wrapped,
    target,
    region,
    host,
    kind,
    recipient: null,
    tenantId: null,
    messageId: null,
    version: null,
    wrappedAt: null,
    clientHint: null,
    location,
  }
  const data = params.get('data')
  if (data) {
    const decoded = safeDecode(data) ?? data.replace(/%7c/gi, '|')
    const parts = decoded.split('|', 32)
    if (parts.length >= 2 && /^\d{2}$/.test(parts[0] ?? '') && /^\d{2}$/.test(parts[1] ?? ''))
      link.version = `${parts[0]}|${parts[1]}`
    const at = parts.findIndex((p) => p.includes('@'))
    if (at >= 0) link.recipient = (parts[at] ?? '').trim().toLowerCase() || null
    const hexes = parts
      .slice(at >= 0 ? at + 1 : 0)
      .map((p) => p.trim())
      .filter((p) => /^[0-9a-f]{32}$/i.test(p))
    if (hexes.length >= 2) {
      link.messageId = guid(hexes[0] ?? '')
      link.tenantId = guid(hexes[1] ?? '')
    } else if (hexes.length === 1) link.tenantId = guid(hexes[0] ?? '')
    for (const p of parts) {
      if (link.wrappedAt === null) link.wrappedAt = ticksToIso(p.trim())
      if (
        link.clientHint === null &&
        p.length >= 8 &&
        p.length <= 4096 &&
        /^[A-Za-z0-9+/]/.test(p)
      ) {
        const t = base64Text(p.trim())
        if (t !== null && t.includes('|')) link.clientHint = t
      }
    }
  }
  return link
}

/**
 * Finds Safe Links wrapped URLs anywhere in `text` (at most MAX_LINKS candidates examined),
 * deduplicated by wrapped URL, in order of appearance.
 */
export function findSafeLinks(
  text: string,
  location: 'header' | 'body' = 'body',
  max = MAX_LINKS,
): SafeLink[] {
  const out: SafeLink[] = []
  const seen = new Set<string>()
  let examined = 0
  let lastEnd = 0
  MARKER.lastIndex = 0
  for (let mm = MARKER.exec(text); mm !== null && examined < max; mm = MARKER.exec(text)) {
    examined++
    const at = mm.index
    if (at < lastEnd) continue
    const back = text.slice(Math.max(lastEnd, at - 300), at)
    let start = -1
    SCHEME.lastIndex = 0
    for (let s = SCHEME.exec(back); s !== null; s = SCHEME.exec(back)) start = s.index
    if (start < 0) continue
    const from = Math.max(lastEnd, at - 300) + start
    let end = at
    const limit = Math.min(text.length, from + MAX_URL)
    while (end < limit) {
      const c = text.charCodeAt(end)
      if (c < 128 && STOP[c] === 1) break
      end++
    }
    lastEnd = end
    MARKER.lastIndex = Math.max(MARKER.lastIndex, end)
    const link = decodeSafeLink(text.slice(from, end), location)
    if (link && !seen.has(link.wrapped)) {
      seen.add(link.wrapped)
      out.push(link)
    }
  }
  return out
}

/**
 * Undoes quoted-printable soft line breaks (`=` at end of line) so that wrapped URLs split across
 * body lines can be found. Linear.
 */
export function joinSoftBreaks(body: string): string {
  return body.replace(/=\r?\n/g, '')
}
