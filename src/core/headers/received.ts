/**
 * Parser for `Received:` trace headers (RFC 5321 §4.4 plus the usual Exchange, Postfix and
 * Gmail variations), and the host tests that tell Microsoft's hops from everyone else's.
 */
import ipaddr from 'ipaddr.js'

/** One parsed `Received:` hop. */
export interface ReceivedHop {
  /** Position of the header in the block (0 = topmost = newest). */
  index: number
  raw: string
  /** Host name the sending side gave (`from` clause), as written. */
  from: string | null
  /** IP address of the sending side, from the `from` clause's comment. */
  fromIp: string | null
  /** Host that received the message (`by` clause), as written. */
  by: string | null
  byIp: string | null
  with: string | null
  id: string | null
  for: string | null
  via: string | null
  /** The date after the last `;`, as written. */
  date: string | null
  /** The receiving host is one of Microsoft 365's (Exchange Online, EOP, consumer Outlook). */
  byMicrosoft: boolean
  /** The receiving host is an Exchange Online Protection front end (`*.protection.outlook.com`). */
  byEop: boolean
  /** The sending host names itself as one of Microsoft 365's. */
  fromMicrosoft: boolean
}

const MICROSOFT_SUFFIXES = [
  '.outlook.com',
  '.office365.com',
  '.office365.us',
  '.outlook.cn',
  '.outlook.de',
  '.exchangelabs.com',
  '.hotmail.com',
]
const EOP_SUFFIXES = [
  '.protection.outlook.com',
  '.protection.office365.us',
  '.protection.partner.outlook.cn',
  '.protection.outlook.de',
]

/** True when the host name belongs to Microsoft 365 mail servers. */
export function isMicrosoftHost(host: string | null): boolean {
  if (host === null) return false
  const h = host.toLowerCase().replace(/\.$/, '')
  return MICROSOFT_SUFFIXES.some((s) => h.endsWith(s))
}

/**
 * True when the host is an inbound Exchange Online Protection front end, such as
 * `BN8NAM11FT058.mail.protection.outlook.com` or `DM6NAM12FT034.eop-nam12.prod.protection.outlook.com`
 * (outbound relays, `*.outbound.protection.outlook.com`, are not).
 */
export function isEopHost(host: string | null): boolean {
  if (host === null) return false
  const h = host.toLowerCase().replace(/\.$/, '')
  return EOP_SUFFIXES.some((s) => h.endsWith(s)) && !h.includes('.outbound.protection.')
}

/**
 * True when the host is an Exchange Online Protection outbound front end
 * (`*.outbound.protection.outlook.com` and its sovereign-cloud forms): the sending tenant's exit.
 */
export function isOutboundEopHost(host: string | null): boolean {
  if (host === null) return false
  const h = host.toLowerCase().replace(/\.$/, '')
  return h.includes('.outbound.protection.') && EOP_SUFFIXES.some((s) => h.endsWith(s))
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/
const V6 = /^[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?::\d{1,3}(?:\.\d{1,3}){3})?$/i

/** The token as an IP address (IPv4 dotted quad, or IPv6), or null. */
function asIp(token: string): string | null {
  const s = token.replace(/^ipv6:/i, '')
  if (s.length < 3 || s.length > 45) return null
  const m = V4.exec(s)
  if (m) return m.slice(1).every((o) => Number(o) <= 255) ? s : null
  if (s.includes(':') && V6.test(s) && ipaddr.IPv6.isValid(s)) return s.toLowerCase()
  return null
}

const IP_CHAR = /[0-9a-fA-F:.vV6iIpP]/

/** Returns the first IP address (IPv4 or IPv6) found in a comment such as `(host [1.2.3.4])`. */
export function ipInText(text: string): string | null {
  let start = -1
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? (text[i] ?? ' ') : ' '
    if (IP_CHAR.test(c)) {
      if (start < 0) start = i
    } else if (start >= 0) {
      const ip = asIp(text.slice(start, i))
      if (ip !== null) return ip
      start = -1
    }
  }
  return null
}

interface Word {
  text: string
  comment: string
}

/** Splits a Received value into words, attaching each parenthesised comment to the word before. */
function words(value: string): Word[] {
  const out: Word[] = []
  let depth = 0
  let start = -1
  let commentStart = 0
  const n = value.length
  for (let i = 0; i < n && out.length < 200; i++) {
    const c = value.charCodeAt(i)
    if (depth > 0) {
      if (c === 40) depth++
      else if (c === 41) {
        depth--
        if (depth === 0) {
          const last = out[out.length - 1]
          const comment = value.slice(commentStart, Math.min(i, commentStart + 2000))
          if (last) last.comment += (last.comment ? ' ' : '') + comment
        }
      }
      continue
    }
    if (c === 40 /* ( */ || c === 32 || c === 9) {
      if (start >= 0) out.push({ text: value.slice(start, i), comment: '' })
      start = -1
      if (c === 40) {
        depth = 1
        commentStart = i + 1
      }
    } else if (start < 0) start = i
  }
  if (start >= 0 && depth === 0 && out.length < 200)
    out.push({ text: value.slice(start), comment: '' })
  return out
}

const CLAUSES = new Set(['from', 'by', 'with', 'id', 'for', 'via'])

/** Parses one `Received:` header value. Never throws; missing parts are null. */
export function parseReceived(value: string, index = 0): ReceivedHop {
  const semi = value.lastIndexOf(';')
  const main = semi >= 0 ? value.slice(0, semi) : value
  const date = semi >= 0 ? value.slice(semi + 1).trim() || null : null
  const clauses: Record<string, Word[]> = {}
  let current: Word[] | null = null
  for (const w of words(main)) {
    const k = w.text.toLowerCase()
    if (CLAUSES.has(k) && clauses[k] === undefined) {
      current = []
      clauses[k] = current
      const last = current
      if (w.comment) last.push({ text: '', comment: w.comment })
      continue
    }
    current?.push(w)
  }
  const head = (k: string): string | null => {
    const ws = clauses[k]
    const t = ws?.find((w) => w.text.length > 0)?.text
    return t === undefined ? null : t.replace(/^\[|\]$/g, '')
  }
  const ipOf = (k: string): string | null => {
    const ws = clauses[k]
    if (!ws) return null
    for (const w of ws) {
      const ip = ipInText(w.comment) ?? ipInText(w.text)
      if (ip !== null) return ip
    }
    return null
  }
  const rest = (k: string): string | null => {
    const ws = clauses[k]
    if (!ws || ws.length === 0) return null
    return ws.map((w) => (w.comment ? `${w.text} (${w.comment})`.trim() : w.text)).join(' ')
  }
  const from = head('from')
  const by = head('by')
  return {
    index,
    raw: value,
    from,
    fromIp: ipOf('from'),
    by,
    byIp: ipOf('by'),
    with: rest('with'),
    id: head('id'),
    for: head('for')?.replace(/^<|>$/g, '').toLowerCase() ?? null,
    via: rest('via'),
    date,
    byMicrosoft: isMicrosoftHost(by),
    byEop: isEopHost(by),
    fromMicrosoft: isMicrosoftHost(from),
  }
}
