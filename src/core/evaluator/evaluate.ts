import { PassageError } from '../errors/passage-error.js'
import { parseWith } from '../errors/validation.js'
import type { AntiPhishPolicy } from '../model/anti-phish.js'
import type { TenantSnapshot } from '../model/snapshot.js'
import { checkAdvancedDelivery } from './advanced-delivery.js'
import { authenticationResultsHeader, compAuth, effectiveAuth, type AuthResults } from './auth.js'
import { combine } from './combine.js'
import { checkConnectionFilter } from './connection-filter.js'
import { stampHeaders } from './headers.js'
import { HeaderMap } from './headers-map.js'
import { isAcceptedDomain } from './match.js'
import { domainOf, TestMessage } from './message.js'
import { needsMalwarePolicy } from './malware.js'
import { selectMalwarePolicy, selectPolicies, type PolicySet } from './policies.js'
import { resolveRouting } from './routing.js'
import { evaluateSafeLinks } from './safe-links.js'
import { checkAntiSpamLists, checkUserLists } from './sender-lists.js'
import { checkTabl } from './tabl.js'
import { obj, Trace } from './trace.js'
import { runTransportRules, type RuleOutcome } from './transport-rules.js'
import type { Evaluation, RecipientEvaluation } from './types.js'
import { filterVerdicts } from './filter-verdicts.js'
import { evaluateZap } from './zap.js'

/** Options of an evaluation. */
export interface EvaluateOptions {
  /** The current time (ISO 8601), for Tenant Allow/Block List expiry. */
  now: string
}

const BYPASS_CLUTTER = 'X-MS-Exchange-Organization-BypassClutter'
const BYPASS_FOCUSED = 'X-MS-Exchange-Organization-BypassFocusedInbox'
const SKIP_SAFE_LINKS = 'X-MS-Exchange-Organization-SkipSafeLinksProcessing'
const SKIP_SAFE_ATTACHMENTS = 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing'

/** Parses a test message (JSON data), or throws PASSAGE_E_INPUT listing the problems. */
export function parseTestMessage(data: unknown, what = 'test message'): TestMessage {
  return parseWith(TestMessage, data, 'PASSAGE_E_INPUT', what)
}

function dmarcAction(auth: AuthResults, ap: AntiPhishPolicy): string {
  if (!auth.enforced || auth.dmarc !== 'fail') return 'none'
  if (auth.dmarcPolicy === 'reject')
    return ap.HonorDmarcPolicy && ap.DmarcRejectAction === 'Reject' ? 'pct.reject' : 'oreject'
  if (auth.dmarcPolicy === 'quarantine') return ap.HonorDmarcPolicy ? 'pct.quarantine' : 'none'
  return 'none'
}

/** Removes headers the header firewall strips from mail arriving from outside (message-headers §1.0). */
function headerFirewall(message: TestMessage, trace: Trace): HeaderMap {
  const headers = new HeaderMap()
  const stripped: string[] = []
  for (const [name, value] of Object.entries(message.headers)) {
    if (
      /^x-ms-exchange-(organization|forest)-/i.test(name.trim()) &&
      message.direction === 'inbound'
    )
      stripped.push(name)
    else headers.set(name, value)
  }
  if (stripped.length)
    trace.step(
      'message',
      `Header firewall strips ${stripped.join(', ')} set by the sender`,
      null,
      'X-MS-Exchange-Organization-* headers from outside the organisation are removed; only mail flow rules can set them',
    )
  // The message's own fields are what header conditions on From, To and Subject see.
  const fromName = message.fromName?.replace(/["\\]/g, '')
  headers.set('From', fromName ? `"${fromName}" <${message.headerFrom}>` : message.headerFrom)
  headers.set('To', message.recipients.join(', '))
  headers.set('Subject', message.subject)
  if (headers.get('Authentication-Results') !== undefined)
    trace.uncertain(
      'message',
      'The sender set its own Authentication-Results; EOP’s is used for rule conditions',
      null,
      'The reference does not say which copy a mail flow rule header condition sees',
    )
  return headers
}

function honouredHeaders(rules: RuleOutcome, headers: HeaderMap, trace: Trace): void {
  const ruleOf = (name: string) =>
    obj(
      'transport-rule',
      rules.headerRules[
        Object.keys(rules.headerRules).find((k) => k.toLowerCase() === name.toLowerCase()) ?? ''
      ] ?? 'unknown',
    )
  if (headers.get(BYPASS_CLUTTER) !== undefined) {
    const exact = headers.getExact(BYPASS_CLUTTER) === 'true'
    trace.step(
      'headers',
      exact
        ? 'BypassClutter: true keeps the message out of Clutter; it does not bypass filtering'
        : `BypassClutter set, but name and value are case-sensitive ('${BYPASS_CLUTTER}: true'): not honoured`,
      ruleOf(BYPASS_CLUTTER),
    )
  }
  if (headers.get(BYPASS_FOCUSED) !== undefined)
    trace.step(
      'headers',
      'BypassFocusedInbox keeps the message in Focused; it does not bypass filtering',
      ruleOf(BYPASS_FOCUSED),
    )
}

function recipientEvaluation(
  snapshot: TenantSnapshot,
  message: TestMessage,
  recipient: string,
  shared: {
    trace: Trace
    routing: ReturnType<typeof resolveRouting>
    auth: AuthResults
    senderHeaders: HeaderMap
    connection: ReturnType<typeof checkConnectionFilter>
    tabl: ReturnType<typeof checkTabl>
  },
): RecipientEvaluation {
  const trace = new Trace().append(shared.trace)
  const { routing, auth, connection, tabl } = shared
  const policies: PolicySet = selectPolicies(snapshot, recipient, trace)
  const malware = needsMalwarePolicy(message)
    ? selectMalwarePolicy(snapshot, recipient, trace)
    : null
  const ap = policies.antiPhish.policy

  const spoofDetected = message.detections.some((d) => d.kind === 'spoof')
  const action = dmarcAction(auth, ap)
  const ca = compAuth(message, auth, {
    fromIsAccepted: isAcceptedDomain(snapshot, domainOf(message.headerFrom)),
    spoofDetected,
    spoofBlocked: tabl.spoofBlock !== null,
  })
  const authHeader = authenticationResultsHeader(message, auth, routing.cip, ca, action)
  if (ca.guessed)
    trace.uncertain(
      'authentication',
      `compauth=${ca.result} reason=${ca.reason}`,
      null,
      'Microsoft’s composite authentication is not fully documented for these results; shown as not checked',
    )
  else trace.step('authentication', `compauth=${ca.result} reason=${ca.reason}`, null)

  const headers = shared.senderHeaders.clone()
  headers.set('Authentication-Results', authHeader)
  const rules = runTransportRules(
    { snapshot, message, recipient, cip: routing.cip, lastHop: routing.lastHop, headers },
    trace,
  )
  honouredHeaders(rules, headers, trace)
  if (routing.enhancedFiltering && rules.scl === -1 && rules.sclRule)
    // ms-rule: eval.rule.ef-bypass-rule-flag
    trace.step(
      'transport-rules',
      `Enhanced Filtering is on, yet mail flow rule '${rules.sclRule}' still bypasses spam filtering (SCL -1)`,
      obj('transport-rule', rules.sclRule),
      'anti-spam-policies-troubleshooting.md: for mail routed through a non-Microsoft service, use Enhanced Filtering for Connectors and remove the SCL -1 rule',
    )

  const ad = checkAdvancedDelivery(snapshot, message, recipient, routing, trace)
  const antiSpamLists = checkAntiSpamLists(
    policies.antiSpam,
    message,
    snapshot,
    ca.result === 'pass',
    trace,
  )
  const user = checkUserLists(message, recipient, trace)
  const { verdicts, bulkOverThreshold, bcl } = filterVerdicts(
    message,
    auth,
    policies,
    snapshot.licence,
    trace,
    malware,
  )

  const outcome = combine(
    {
      verdicts,
      advancedDelivery: ad,
      connection,
      rules,
      antiSpamLists,
      tabl,
      user,
      complexRouting: routing.complexRouting,
      authPassed:
        ca.result === 'pass' || ca.result === 'softpass'
          ? true
          : ca.result === 'fail'
            ? false
            : 'unknown',
      urls: message.urls,
      policies,
    },
    trace,
  )
  if (outcome.action === 'quarantine' && outcome.quarantinePolicy) {
    const known =
      snapshot.state.quarantinePolicies.some(
        (q) => q.Name.toLowerCase() === outcome.quarantinePolicy?.toLowerCase(),
      ) ||
      [
        'AdminOnlyAccessPolicy',
        'DefaultFullAccessPolicy',
        'DefaultFullAccessWithNotificationPolicy',
        'NotificationEnabledPolicy',
      ].includes(outcome.quarantinePolicy)
    trace.step(
      'verdict',
      `Quarantine policy ${outcome.quarantinePolicy}`,
      obj('quarantine-policy', outcome.quarantinePolicy),
      known ? undefined : 'This quarantine policy is not in the snapshot',
    )
  }

  const delivered = outcome.action !== 'dropped' && outcome.action !== 'rejected'
  const stamped =
    delivered && outcome.sfv !== null && outcome.scl !== null
      ? stampHeaders({
          cip: routing.cip,
          country: message.country,
          direction: message.direction,
          sfv: outcome.sfv,
          category: outcome.category,
          scl: outcome.scl,
          ipAllowListed: connection.allow !== null,
          bulkOverThreshold,
          bcl,
          authenticationResults: authHeader,
          setByRules: rules.headersSet,
        })
      : null
  if (stamped) trace.step('headers', `X-Forefront-Antispam-Report: ${stamped.forefront.raw}`, null)
  else trace.step('headers', 'No headers: the message is not delivered', null)

  const skipLinks = headers.get(SKIP_SAFE_LINKS)
  const skipLinksRule = Object.keys(rules.headerRules).find(
    (k) => k.toLowerCase() === SKIP_SAFE_LINKS.toLowerCase(),
  )
  const computed = evaluateSafeLinks(
    message.urls,
    policies.safeLinks,
    {
      skipHeader:
        skipLinks !== undefined && skipLinksRule
          ? { value: skipLinks, rule: rules.headerRules[skipLinksRule] ?? '' }
          : null,
      phishSim: outcome.allowedBy === 'phish-sim',
      intraOrg: message.direction === 'intra-org',
    },
    trace,
  )
  if (!delivered && computed.length)
    trace.step('safe-links', 'The message is not delivered, so no link reaches the recipient', null)
  const safeLinks = delivered
    ? computed
    : computed.map((l) => ({
        url: l.url,
        rewritten: false,
        reason: 'the message is not delivered',
      }))
  safeAttachmentsTrace(message, policies, headers, outcome.allowedBy, trace)
  const zap = evaluateZap(outcome, policies.antiSpam, trace)

  return {
    recipient,
    action: outcome.action,
    quarantinePolicy: outcome.quarantinePolicy,
    category: outcome.category,
    detected: outcome.detected,
    decidedBy: outcome.decidedBy,
    sfv: delivered ? outcome.sfv : null,
    scl: delivered ? outcome.scl : null,
    headers: stamped,
    policies: {
      antiSpam: policies.antiSpam.object,
      antiPhish: policies.antiPhish.object,
      safeLinks: policies.safeLinks?.object ?? null,
      safeAttachments: policies.safeAttachments?.object ?? null,
    },
    safeLinks,
    zap,
    uncertain: trace.steps
      .filter((s) => s.uncertain)
      .map((s) => `${s.decision}: ${s.note ?? ''}`.trim()),
    trace: trace.steps,
  }
}

function safeAttachmentsTrace(
  message: TestMessage,
  policies: PolicySet,
  headers: HeaderMap,
  allowedBy: string | null,
  trace: Trace,
): void {
  if (!message.attachments.length || !policies.safeAttachments) return
  const sel = policies.safeAttachments
  const p = sel.policy
  if (!p.Enable)
    trace.step(
      'safe-attachments',
      `Safe Attachments is off in '${p.Name}': attachments not detonated`,
      sel.object,
    )
  else if (allowedBy === 'phish-sim' || allowedBy === 'secops')
    trace.step('safe-attachments', 'Advanced delivery: attachments not detonated', sel.object)
  else if (headers.get(SKIP_SAFE_ATTACHMENTS) !== undefined)
    trace.uncertain(
      'safe-attachments',
      'SkipSafeAttachmentProcessing set by a mail flow rule: attachments assumed not detonated',
      sel.object,
      'The header is not defined on Microsoft Learn; its semantics are unconfirmed (flagged by ORCA 189)',
    )
  else trace.step('safe-attachments', `Attachments detonated (${p.Action})`, sel.object)
}

/**
 * Evaluates where a test message lands for each recipient in this tenant: the action, quarantine
 * policy, CAT/SFV/SCL, the headers EOP would stamp, Safe Links per URL, ZAP, and an ordered trace
 * naming the object that made each decision (with `uncertain` steps where Microsoft's documentation
 * is silent or contradictory). Pure: `options.now` is the current time.
 */
export function evaluate(
  snapshot: TenantSnapshot,
  message: TestMessage,
  options: EvaluateOptions,
): Evaluation {
  if (Number.isNaN(Date.parse(options.now)))
    throw new PassageError('PASSAGE_E_INPUT', `'${options.now}' is not an ISO date and time`)
  const trace = new Trace()
  trace.step(
    'message',
    `From ${message.headerFrom} (MAIL FROM ${message.mailFrom}) via ${message.connectingIp} to ${message.recipients.length} recipient(s)`,
    obj('message', message.subject || '(no subject)'),
    message.detections.length
      ? `The filters find: ${message.detections.map((d) => (d.kind === 'bulk' ? `bulk (BCL ${d.bcl})` : d.kind)).join(', ')}`
      : 'The filters find nothing',
  )
  const routing = resolveRouting(snapshot, message)
  trace.append(routing.trace)
  const { auth, trace: authTrace } = effectiveAuth(message, routing)
  trace.append(authTrace)
  const senderHeaders = headerFirewall(message, trace)
  const connection = checkConnectionFilter(snapshot, routing.cip, trace)
  const tabl = checkTabl(snapshot, message, routing.cip, options.now, trace)
  const shared = { trace, routing, auth, senderHeaders, connection, tabl }
  return {
    now: options.now,
    routing: {
      cip: routing.cip,
      complexRouting: routing.complexRouting,
      enhancedFiltering: routing.enhancedFiltering,
      auth: { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc },
    },
    recipients: message.recipients.map((r) => recipientEvaluation(snapshot, message, r, shared)),
  }
}
