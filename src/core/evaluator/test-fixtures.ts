import type { TenantSnapshot } from '../model/snapshot.js'
import type { TransportRuleInput } from '../model/transport-rule.js'
import { makeSnapshot, NOW, type SnapshotOptions } from '../model/test-fixtures.js'
import { evaluate } from './evaluate.js'
import { TestMessage, type TestMessageInput } from './message.js'
import type { Evaluation, RecipientEvaluation } from './types.js'
import type { CombineInput } from './outcome.js'
import type { TablHits } from './tabl.js'

/** The fixed "now" of evaluator tests. */
export { NOW }

/** The vendor's sending IP in tests (TEST-NET-3). */
export const VENDOR_IP = '203.0.113.10'

/** The gateway's egress IP in tests (TEST-NET-2). */
export const GATEWAY_IP = '198.51.100.7'

export { makeSnapshot, type SnapshotOptions }

/** A Defender P2 tenant with the Built-in protection Safe Links / Safe Attachments policies. */
export function makeDefenderSnapshot(over: SnapshotOptions = {}): TenantSnapshot {
  return makeSnapshot({
    licence: 'mdo-p2',
    ...over,
    state: {
      safeLinks: { policies: [{ Name: 'Built-In Protection Policy', IsBuiltInProtection: true }] },
      safeAttachments: {
        policies: [{ Name: 'Built-In Protection Policy', IsBuiltInProtection: true, Enable: true }],
      },
      ...(over.state ?? {}),
    },
  })
}

/** A tenant whose MX points to a gateway in front of Microsoft 365. */
export function gatewaySnapshot(
  connector: Record<string, unknown> | null,
  over: SnapshotOptions = {},
): TenantSnapshot {
  return makeSnapshot({
    mx: {
      route: 'gateway',
      gateway: 'mimecast',
      hosts: ['eu-smtp-inbound-1.mimecast.com'],
      ips: [GATEWAY_IP],
    },
    ...over,
    state: {
      inboundConnectors: connector
        ? [{ Name: 'Mimecast inbound', SenderIPAddresses: [GATEWAY_IP], ...connector }]
        : [],
      ...(over.state ?? {}),
    },
  })
}

/** Overrides of the test message's fields. */
export type MessageOverrides = Partial<TestMessageInput>

/** A test message from the vendor (contoso.com) to alice@fabrikam.com, passing authentication. */
export function makeMessage(over: Partial<TestMessageInput> = {}): TestMessage {
  return TestMessage.parse({
    connectingIp: VENDOR_IP,
    mailFrom: 'bounce@mail.contoso.com',
    headerFrom: 'news@contoso.com',
    dkimDomain: 'contoso.com',
    auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'none' },
    recipients: ['alice@fabrikam.com'],
    subject: 'Test',
    ...over,
  })
}

/** Evaluates a message and returns the whole evaluation. */
export function run(snapshot: TenantSnapshot, over: Partial<TestMessageInput> = {}): Evaluation {
  return evaluate(snapshot, makeMessage(over), { now: NOW })
}

/** Evaluates a message and returns the first recipient's result. */
export function first(
  snapshot: TenantSnapshot,
  over: Partial<TestMessageInput> = {},
): RecipientEvaluation {
  const r = run(snapshot, over).recipients[0]
  if (!r) throw new Error('no recipient evaluated')
  return r
}

/** A Standard or Strict preset covering everyone (EOP and ATP rules). */
export function preset(level: 'Standard' | 'Strict', scope: Record<string, string[]> = {}) {
  return (['EOP', 'ATP'] as const).map((Kind) => ({
    Name: `${level} Preset Security Policy`,
    Preset: level,
    Kind,
    ...scope,
  }))
}

/** A mail flow rule setting SCL -1 for the vendor's IP. */
export function bypassRule(over: Partial<TransportRuleInput> = {}): TransportRuleInput {
  return { Name: 'Vendor bypass', Priority: 0, SenderIpRanges: [VENDOR_IP], SetSCL: -1, ...over }
}

/** Detection inputs for each CAT value. */
export const DETECTION_FOR = {
  MALW: 'malware',
  HPHSH: 'high-confidence-phish',
  PHSH: 'phish',
  HSPM: 'high-confidence-spam',
  SPOOF: 'spoof',
  UIMP: { kind: 'impersonation', impersonation: 'user' },
  DIMP: { kind: 'impersonation', impersonation: 'domain' },
  GIMP: { kind: 'impersonation', impersonation: 'mailbox-intelligence' },
  SPM: 'spam',
  BULK: { kind: 'bulk', bcl: 9 },
} as const satisfies Record<
  string,
  TestMessageInput['detections'] extends (infer D)[] | undefined ? D : never
>

/** The decisions of a trace, for readable assertions. */
export function decisions(r: RecipientEvaluation): string[] {
  return r.trace.map((s) => `${s.stage}: ${s.decision}`)
}

/** What a test overrides of a combine() input: any field, and parts of the nested records. */
export interface CombineOver extends Partial<
  Omit<CombineInput, 'tabl' | 'user' | 'connection' | 'rules'>
> {
  tabl?: Partial<TablHits>
  user?: Partial<CombineInput['user']>
  connection?: Partial<CombineInput['connection']>
  rules?: Partial<CombineInput['rules']>
}

/** A clean message with nothing configured, for the stages after the filters (combine, allows). */
export function combineInput(
  policies: CombineInput['policies'],
  over: CombineOver = {},
): CombineInput {
  const { tabl, user, connection, rules, ...rest } = over
  return {
    verdicts: [],
    advancedDelivery: { kind: null, object: null },
    antiSpamLists: { allow: null, block: null },
    complexRouting: false,
    authPassed: true,
    urls: [],
    policies,
    ...rest,
    connection: { allow: null, block: null, allowStillFiltered: false, ...connection },
    rules: { scl: null, sclRule: null, headersSet: {}, headerRules: {}, acted: [], ...rules },
    tabl: {
      senderAllow: null,
      senderBlock: null,
      urlAllowed: new Map(),
      urlBlock: null,
      ipAllow: null,
      ipBlock: null,
      spoofAllow: null,
      spoofBlock: null,
      ...tabl,
    },
    user: { safe: null, blocked: null, ...user },
  }
}
