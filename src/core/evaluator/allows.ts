import { NEVER_BYPASSED, type AllowKind, type CombineInput } from './outcome.js'
import { obj, type Trace } from './trace.js'
import type { Sfv, TraceObject } from './types.js'
import type { Verdict } from './verdict.js'

/** A message-level tenant allow that matched. */
export interface TenantAllow {
  kind: AllowKind
  sfv: Sfv
  label: string
  object: TraceObject
}

const SECURE_BY_DEFAULT =
  'secure-by-default.md: with the MX at Microsoft 365, no rule, IP allow, allowed sender or Tenant Allow/Block List allow created directly overrides malware or high-confidence phish (only advanced delivery, or an allow created from a submission)'

/** The message-level tenant allows that match, in the order their SFV is chosen. */
function tenantAllows(input: CombineInput, trace: Trace): TenantAllow[] {
  const { connection, rules, tabl } = input
  const allows: TenantAllow[] = []
  if (rules.scl === -1 && rules.sclRule)
    allows.push({
      kind: 'transport-rule',
      sfv: 'SKN',
      label: `mail flow rule '${rules.sclRule}' (SCL -1)`,
      object: obj('transport-rule', rules.sclRule),
    })
  if (connection.allow && !connection.allowStillFiltered) {
    // ms-rule: eval.stamp.ip-allow-cal-skn
    // create-safe-sender-lists-in-office-365.md says IPV:CAL is stamped alongside SFV:SKN, and
    // public samples of real EOP headers agree; anti-spam-policies-troubleshooting.md (2026) shows
    // CAL with SFV:SKI. passage stamps SKN and says so.
    allows.push({
      kind: 'ip-allow',
      sfv: 'SKN',
      label: `IP Allow List entry ${connection.allow}`,
      object: obj('connection-filter', 'Default'),
    })
    trace.uncertain(
      'headers',
      'IP Allow List: stamped IPV:CAL with SFV:SKN',
      obj('connection-filter', 'Default'),
      'create-safe-sender-lists-in-office-365.md pairs IPV:CAL with SFV:SKN (as real headers show); anti-spam-policies-troubleshooting.md pairs it with SFV:SKI. passage follows the former; read either as the IP Allow List',
    )
  }
  if (input.antiSpamLists.allow)
    allows.push({
      kind: 'anti-spam-allow',
      sfv: 'SKA',
      label: `allowed sender '${input.antiSpamLists.allow.entry}'`,
      object: input.antiSpamLists.allow.object,
    })
  let senderAllow = tabl.senderAllow
  if (senderAllow) {
    // ms-rule: eval.tabl.sender-allow-needs-auth
    // Allow entries for domains and addresses deliver only mail that passes email authentication
    // (includes/allow-entry-facts.md in tenant-allow-block-list-email-spoof-configure.md).
    if (input.authPassed === false) {
      trace.step(
        'allow',
        `Tenant Allow/Block List allow ${senderAllow.value} not applied: the message fails email authentication`,
        senderAllow.object,
        'Microsoft delivers allowed senders only when they pass email authentication; use a spoofed-sender allow for a sender that legitimately fails it',
      )
      senderAllow = null
    } else if (input.authPassed === 'unknown')
      trace.uncertain(
        'allow',
        `Tenant Allow/Block List allow ${senderAllow.value} applied though authentication could not be computed`,
        senderAllow.object,
        'Microsoft applies sender allows only to mail that passes email authentication; compauth here is none, so passage cannot tell',
      )
  }
  const tablAllow = senderAllow ?? tabl.ipAllow
  if (tablAllow)
    allows.push({
      kind: 'tabl-allow',
      sfv: 'NSPM',
      label: `Tenant Allow/Block List allow ${tablAllow.value}`,
      object: tablAllow.object,
    })
  return allows
}

/**
 * Whether an allow of this kind overrides this verdict for this routing. Tenant allows override
 * phish, HC spam, spam, bulk and spoof; never malware; HC phish only when the MX points elsewhere
 * (and then not the IP Allow List); the IP Allow List does not override a DMARC failure; blocks
 * stand.
 */
function overrides(allow: TenantAllow, v: Verdict, input: CombineInput): boolean {
  // ms-rule: eval.allow.tenant-overrides
  // ms-rule: eval.allow.malware-never (malware is overridable by nothing: NEVER, verdict.ts)
  // ms-rule: eval.allow.ip-allow-not-dmarc
  // anti-spam-policies-troubleshooting.md: the IP Allow List does not override DMARC failures (the
  // older create-safe-sender-lists page says it skips DMARC; passage follows the newer, stricter one).
  if (allow.kind === 'ip-allow' && v.source === 'dmarc') return false
  if (v.overridable.tenantAllow) return true
  // ms-rule: eval.allow.hcphish-mx-elsewhere
  return v.overridable.ifMxElsewhere && input.complexRouting && allow.kind !== 'ip-allow'
}

/**
 * Applies the tenant's allows to the verdicts: a mail flow rule SCL -1 (SKN), the IP Allow List
 * (IPV:CAL, SKN), anti-spam allowed senders (SKA) or a Tenant Allow/Block List sender/IP allow
 * override phish, HC spam, spam, bulk and spoof; never malware nor a block; high-confidence phish
 * only when the MX does not point to Microsoft 365 (secure by default does not apply), and then
 * not by the IP Allow List. A TABL spoof allow overrides spoof; TABL URL allows act on the URL
 * entity. Returns the verdicts left and the allow that decides the SFV.
 */
export function applyAllows(
  input: CombineInput,
  working: Verdict[],
  trace: Trace,
): { remaining: Verdict[]; primary: TenantAllow | null } {
  const { tabl, verdicts } = input
  const never = verdicts.find((v) => NEVER_BYPASSED.includes(v.cat))
  const allows = tenantAllows(input, trace)
  const primary = allows[0] ?? null
  if (allows.length > 1)
    trace.uncertain(
      'allow',
      `Several allows match (${allows.map((a) => a.label).join('; ')}); the header shows ${primary?.sfv}`,
      primary?.object ?? null,
      'Microsoft does not say which SFV is stamped when several allows fire',
    )
  if (primary?.kind === 'tabl-allow')
    trace.uncertain(
      'allow',
      'SFV shown as NSPM for a Tenant Allow/Block List allow',
      primary.object,
      'Microsoft does not list an SFV value for Tenant Allow/Block List allows',
    )
  const urlsAllRoutedByTabl =
    input.urls.length > 0 && input.urls.every((u) => tabl.urlAllowed.has(u))

  const remaining: Verdict[] = []
  for (const v of working) {
    const by = allows.find((a) => overrides(a, v, input))
    if (by && v.overridable.tenantAllow) {
      trace.step(
        'allow',
        `${by.label} overrides ${v.cat} (${v.setting})`,
        by.object,
        'Tenant allows override phish, high-confidence spam, spam, bulk and spoof',
      )
      continue
    }
    if (by) {
      trace.step(
        'allow',
        `${by.label} lets high-confidence phish through: the MX does not point to Microsoft 365, so secure by default does not apply`,
        by.object,
        'secure-by-default.md (non-Microsoft filters): SCL -1 rules, Tenant Allow/Block List allows, anti-spam allowed senders/domains and Outlook Safe Senders can then deliver high-confidence phish',
      )
      continue
    }
    // ms-rule: eval.allow.spoof-allow
    if (
      v.cat === 'SPOOF' &&
      (v.source === 'spoof-intelligence' || v.source === 'dmarc') &&
      tabl.spoofAllow
    ) {
      if (v.source === 'dmarc')
        trace.uncertain(
          'allow',
          `Spoofed-sender allow overrides the DMARC failure`,
          tabl.spoofAllow.object,
          'Microsoft does not say whether a spoofed-sender allow covers an explicit DMARC failure; its in-and-out routing guidance relies on it',
        )
      else
        trace.step(
          'allow',
          'Spoofed-sender allow overrides the spoof verdict',
          tabl.spoofAllow.object,
        )
      continue
    }
    const urlOverride =
      urlsAllRoutedByTabl &&
      (v.overridable.tenantAllow || (v.overridable.ifMxElsewhere && input.complexRouting))
    if (urlOverride) {
      const entry = tabl.urlAllowed.get(input.urls[0] ?? '')
      trace.uncertain(
        'allow',
        `Tenant Allow/Block List URL allow overrides ${v.cat}`,
        entry?.object ?? null,
        'URL allows act on the URL entity only; passage assumes the verdict came from the message’s URLs, all of which are allowed',
      )
      continue
    }
    const ipAllowVsDmarc = allows.find((a) => a.kind === 'ip-allow')
    if (ipAllowVsDmarc && v.source === 'dmarc' && v.overridable.tenantAllow)
      trace.step(
        'allow',
        `${ipAllowVsDmarc.label} does not override the DMARC failure`,
        v.object,
        'anti-spam-policies-troubleshooting.md: the IP Allow List does not override DMARC failures (create-safe-sender-lists-in-office-365.md says it skips DMARC; passage follows the newer page)',
      )
    else if (
      primary &&
      (NEVER_BYPASSED.includes(v.cat) || v.source === 'tabl-block' || v.source === 'spoof-block')
    )
      trace.step(
        'allow',
        `${primary.label} does not override ${v.source === 'tabl-block' ? 'a Tenant Allow/Block List block' : v.source === 'spoof-block' ? 'a spoofed-sender block' : v.cat}`,
        v.object,
        NEVER_BYPASSED.includes(v.cat) && v.source === 'filter'
          ? v.cat === 'MALW'
            ? 'No allow overrides malware (only a SecOps mailbox in advanced delivery skips malware filtering)'
            : input.complexRouting
              ? 'The IP Allow List does not override high-confidence phish, whatever the routing'
              : SECURE_BY_DEFAULT
          : 'A block beats an allow',
      )
    else if (primary && (v.source === 'rule-block' || v.source === 'anti-spam-block'))
      trace.uncertain(
        'allow',
        `${primary.label} does not override the block`,
        v.object,
        'Microsoft does not rank a tenant allow against a rule or anti-spam block; the block is applied',
      )
    remaining.push(v)
  }
  if (urlsAllRoutedByTabl && never && remaining.includes(never))
    trace.step(
      'allow',
      `A direct URL allow does not override ${never.cat}; only a Submission-created allow can`,
      tabl.urlAllowed.get(input.urls[0] ?? '')?.object ?? null,
    )

  return { remaining, primary }
}
