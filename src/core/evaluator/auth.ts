import { registrableDomain } from '../net/domain.js'
import { domainOf, type TestMessage } from './message.js'
import type { Routing } from './routing.js'
import { Trace, obj } from './trace.js'

/** SPF / DKIM / DMARC results as Exchange computes them. */
export interface AuthResults {
  spf: TestMessage['auth']['spf']
  dkim: TestMessage['auth']['dkim']
  dmarc: TestMessage['auth']['dmarc']
  dmarcPolicy: 'none' | 'quarantine' | 'reject' | null
  /** False behind a gateway without Enhanced Filtering: DMARC is then not enforced (compauth 905). */
  enforced: boolean
}

/**
 * The authentication results Exchange computes. The message's `auth` is what its true source
 * yields; Exchange computes against the true source only when it sees it (MX at Microsoft, or
 * Enhanced Filtering). Behind a gateway without EF, SPF is checked against the gateway's IP (fail)
 * and DMARC fails or, with no DMARC record, stays none.
 */
export function effectiveAuth(
  message: TestMessage,
  routing: Routing,
): { auth: AuthResults; trace: Trace } {
  const trace = new Trace()
  const given = message.auth
  const base = { dkim: given.dkim, dmarcPolicy: given.dmarcPolicy ?? null }
  if (routing.trueSourceVisible) {
    trace.step(
      'authentication',
      `spf=${given.spf}, dkim=${given.dkim}, dmarc=${given.dmarc}, computed against the true source ${routing.trueSource}`,
      routing.enhancedFiltering && routing.connector
        ? obj('inbound-connector', routing.connector.Name)
        : null,
    )
    return { auth: { ...base, spf: given.spf, dmarc: given.dmarc, enforced: true }, trace }
  }
  const spf: AuthResults['spf'] = ['none', 'temperror', 'permerror'].includes(given.spf)
    ? given.spf
    : 'fail'
  const hadRecord =
    given.dmarcPolicy !== undefined || given.dmarc === 'pass' || given.dmarc === 'fail'
  const dmarc: AuthResults['dmarc'] = hadRecord ? 'fail' : 'none'
  trace.step(
    'authentication',
    `spf=${spf}, dkim=${given.dkim}, dmarc=${dmarc}: Exchange checks the gateway's IP ${routing.cip}, not the true source`,
    routing.connector ? obj('inbound-connector', routing.connector.Name) : obj('mx', 'gateway'),
    `The message's own results (spf=${given.spf}, dmarc=${given.dmarc}) need Enhanced Filtering to be seen; complex routing makes compauth none (reason 905) and DMARC is not enforced`,
  )
  if (given.dkim === 'pass')
    trace.uncertain(
      'authentication',
      'DKIM kept as given',
      null,
      'A DKIM signature survives the gateway only if the gateway does not modify the message; Exchange might then pass DMARC on DKIM alone. Not modelled: DMARC is shown as degraded',
    )
  return { auth: { ...base, spf, dmarc, enforced: false }, trace }
}

/** compauth result and reason code (message-headers §1.4). */
export interface CompAuth {
  result: 'pass' | 'fail' | 'softpass' | 'none'
  reason: string
  /** True when the reason is a best guess where Microsoft's composite logic is not documented. */
  guessed: boolean
}

/** Inputs to compauth and Authentication-Results beyond the results themselves. */
export interface AuthContext {
  fromIsAccepted: boolean
  spoofDetected: boolean
  spoofBlocked: boolean
}

/** Composite authentication, from the results and the context. */
export function compAuth(message: TestMessage, auth: AuthResults, ctx: AuthContext): CompAuth {
  if (ctx.spoofBlocked) return { result: 'fail', reason: '002', guessed: false }
  if (!auth.enforced) return { result: 'none', reason: '905', guessed: false }
  if (auth.dmarc === 'pass') return { result: 'pass', reason: '100', guessed: false }
  if (auth.dmarc === 'bestguesspass') return { result: 'pass', reason: '109', guessed: false }
  if (auth.dmarc === 'fail') {
    if (ctx.fromIsAccepted) return { result: 'fail', reason: '010', guessed: false }
    if (auth.dmarcPolicy === 'quarantine' || auth.dmarcPolicy === 'reject')
      return { result: 'fail', reason: '000', guessed: false }
  }
  if (ctx.spoofDetected) return { result: 'fail', reason: '001', guessed: false }
  const fromOrg = registrableDomain(domainOf(message.headerFrom))
  const spfAligned =
    auth.spf === 'pass' && registrableDomain(domainOf(message.mailFrom)) === fromOrg
  const dkimAligned =
    auth.dkim === 'pass' &&
    message.dkimDomain !== null &&
    registrableDomain(message.dkimDomain) === fromOrg
  if (auth.dmarc === 'none' && (spfAligned || dkimAligned))
    return { result: 'pass', reason: '109', guessed: false }
  return { result: 'none', reason: '399', guessed: true }
}

/** The Authentication-Results header EOP stamps (message-headers §1.4). */
export function authenticationResultsHeader(
  message: TestMessage,
  auth: AuthResults,
  cip: string,
  ca: CompAuth,
  dmarcAction: string,
): string {
  const spfNote = `(sender IP is ${cip}) smtp.mailfrom=${domainOf(message.mailFrom)}`
  const dkim =
    auth.dkim === 'none'
      ? 'dkim=none (message not signed) header.d=none'
      : `dkim=${auth.dkim} (signature was ${auth.dkim === 'pass' ? 'verified' : 'not verified'}) header.d=${message.dkimDomain ?? 'none'}`
  return [
    `spf=${auth.spf} ${spfNote}`,
    dkim,
    `dmarc=${auth.dmarc} action=${dmarcAction} header.from=${domainOf(message.headerFrom)}`,
    `compauth=${ca.result} reason=${ca.reason}`,
  ].join('; ')
}
