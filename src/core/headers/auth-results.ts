/**
 * Decoder for Authentication-Results in the form EOP writes it (message-headers §1.4):
 * spf, dkim, dmarc (with action), compauth (with reason code and its meaning).
 */
import { compauthReason, compauthReasonMeaning, type CompauthReasonSource } from './compauth.js'

/** One `method=result (comment) prop=value ...` clause. */
export interface AuthMethod {
  method: string
  result: string
  comment: string | null
  props: Record<string, string>
}

/** A decoded Authentication-Results header. */
export interface AuthResults {
  header: string
  index: number
  raw: string
  /** Renamed copy (`Authentication-Results-Original`, `Original-Authentication-Results`). */
  renamed: boolean
  /** Carries compauth, i.e. written by Microsoft 365. */
  microsoft: boolean
  spf: string | null
  dkim: string | null
  dmarc: string | null
  /** DMARC action: none, oreject, pct.quarantine, pct.reject, permerror, temperror. */
  dmarcAction: string | null
  compauth: string | null
  reason: string | null
  reasonMeaning: string | null
  /** Where the reason's most specific meaning comes from: Microsoft's table, or not (null: no code). */
  reasonSource: CompauthReasonSource | null
  /** smtp.mailfrom of the spf clause. */
  mailFrom: string | null
  /** header.from of the dmarc clause. */
  headerFrom: string | null
  /** header.d of each dkim clause. */
  dkimDomains: string[]
  methods: AuthMethod[]
}

/** Longest Authentication-Results value read (real ones are under 2 KB). */
const MAX_LENGTH = 16 * 1024
const METHOD = /^([a-z][a-z0-9_-]{0,31})\s*=\s*([a-z][a-z0-9._-]{0,31})/i
const PROP = /([a-z][a-z0-9_-]{0,31}(?:\.[a-z0-9_-]{1,32}){0,2})=("[^"]{0,512}"|[^\s;()]{0,512})/gi

/** Splits on `;` outside parentheses and quotes. */
function clauses(value: string): string[] {
  const out: string[] = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < value.length && out.length < 64; i++) {
    const c = value.charCodeAt(i)
    if (c === 34 /* " */) quoted = !quoted
    else if (quoted) continue
    else if (c === 40 /* ( */) depth++
    else if (c === 41 /* ) */ && depth > 0) depth--
    else if (c === 59 /* ; */ && depth === 0) {
      out.push(value.slice(start, i))
      start = i + 1
    }
  }
  if (out.length < 64) out.push(value.slice(start))
  return out.map((s) => s.trim()).filter((s) => s.length > 0)
}

/** The value without one leading and one trailing double quote. */
function unquote(v: string): string {
  const a = v.charCodeAt(0) === 34 ? 1 : 0
  const b = v.length > a && v.charCodeAt(v.length - 1) === 34 ? v.length - 1 : v.length
  return a === 0 && b === v.length ? v : v.slice(a, b)
}

/** Parses one clause into a method, or null when it isn't `method=result ...`. */
function parseMethod(clause: string): AuthMethod | null {
  const m = METHOD.exec(clause)
  if (!m) return null
  const method = (m[1] ?? '').toLowerCase()
  const result = (m[2] ?? '').toLowerCase()
  const rest = clause.slice(m[0].length)
  let comment: string | null = null
  const open = rest.indexOf('(')
  if (open >= 0) {
    const close = rest.indexOf(')', open)
    comment = rest.slice(open + 1, close < 0 ? rest.length : close).trim()
  }
  const props = Object.create(null) as Record<string, string>
  const noComments = open >= 0 ? rest.replace(/\([^()]*\)/g, ' ') : rest
  // An exec loop rather than matchAll (no iterator and match-array copies).
  PROP.lastIndex = 0
  for (let p = PROP.exec(noComments); p !== null; p = PROP.exec(noComments)) {
    if (p[0].length === 0) PROP.lastIndex++
    const k = (p[1] ?? '').toLowerCase()
    if (!(k in props)) props[k] = unquote(p[2] ?? '')
  }
  return { method, result, comment, props }
}

/** Decodes one Authentication-Results value. Never throws. */
export function decodeAuthResults(
  value: string,
  header = 'Authentication-Results',
  index = 0,
): AuthResults {
  const methods: AuthMethod[] = []
  const text = value.length > MAX_LENGTH ? value.slice(0, MAX_LENGTH) : value
  for (const c of clauses(text)) {
    const m = parseMethod(c)
    if (m) methods.push(m)
  }
  const first = (name: string): AuthMethod | undefined => methods.find((m) => m.method === name)
  const dkims = methods.filter((m) => m.method === 'dkim')
  const spf = first('spf')
  const dmarc = first('dmarc')
  const compauth = first('compauth')
  const dkimResult =
    dkims.length === 0
      ? null
      : ((dkims.find((d) => d.result === 'pass') ?? dkims[0])?.result ?? null)
  const reason = compauth?.props['reason'] ?? null
  const lower = header.toLowerCase()
  return {
    header,
    index,
    raw: value,
    renamed: lower !== 'authentication-results',
    microsoft: compauth !== undefined,
    spf: spf?.result ?? null,
    dkim: dkimResult,
    dmarc: dmarc?.result ?? null,
    dmarcAction: dmarc?.props['action'] ?? null,
    compauth: compauth?.result ?? null,
    reason,
    reasonMeaning: compauthReasonMeaning(reason),
    reasonSource: compauthReason(reason)?.source ?? null,
    mailFrom: spf?.props['smtp.mailfrom'] ?? null,
    headerFrom: dmarc?.props['header.from'] ?? null,
    dkimDomains: dkims.map((d) => d.props['header.d'] ?? '').filter((d) => d.length > 0),
    methods,
  }
}

/** Plain-English meaning of a DMARC action value (message-headers §1.4). */
export function dmarcActionMeaning(action: string): string {
  switch (action.toLowerCase()) {
    case 'none':
      return 'no DMARC action'
    case 'oreject':
      return 'DMARC policy was p=reject but Microsoft delivered the message anyway (to Junk)'
    // ms-rule: hdr.auth.dmarc-action
    case 'pct.quarantine':
      return 'DMARC failed under p=quarantine, but the policy was not applied to this message (pct under 100): delivered anyway'
    case 'pct.reject':
      return 'DMARC failed under p=reject, but the policy was not applied to this message (pct under 100): delivered anyway'
    case 'permerror':
      return 'DMARC permanent error'
    case 'temperror':
      return 'DMARC temporary error'
    default:
      return `unknown DMARC action "${action}"`
  }
}
