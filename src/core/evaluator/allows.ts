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

/**
 * Applies the tenant's allows to the verdicts (reference §4.3): a mail flow rule SCL -1 (SKN), the
 * IP Allow List (SKI), anti-spam allowed senders (SKA) or a TABL sender/IP allow override phish,
 * HC spam, spam, bulk and spoof, never malware or HC phish (except HC phish with a rule allow under
 * complex routing) nor a block; a TABL spoof allow overrides spoof; TABL URL allows act on the URL
 * entity. Returns the verdicts left and the allow that decides the SFV.
 */
export function applyAllows(
  input: CombineInput,
  working: Verdict[],
  trace: Trace,
): { remaining: Verdict[]; primary: TenantAllow | null } {
  const { connection, rules, tabl, verdicts } = input
  const never = verdicts.find((v) => NEVER_BYPASSED.includes(v.cat))
  const allows: TenantAllow[] = []
  if (rules.scl === -1 && rules.sclRule)
    allows.push({
      kind: 'transport-rule',
      sfv: 'SKN',
      label: `mail flow rule '${rules.sclRule}' (SCL -1)`,
      object: obj('transport-rule', rules.sclRule),
    })
  if (connection.allow && !connection.allowStillFiltered)
    allows.push({
      kind: 'ip-allow',
      sfv: 'SKI',
      label: `IP Allow List entry ${connection.allow}`,
      object: obj('connection-filter', 'Default'),
    })
  if (input.antiSpamLists.allow)
    allows.push({
      kind: 'anti-spam-allow',
      sfv: 'SKA',
      label: `allowed sender '${input.antiSpamLists.allow.entry}'`,
      object: input.antiSpamLists.allow.object,
    })
  const tablAllow = tabl.senderAllow ?? tabl.ipAllow
  if (tablAllow)
    allows.push({
      kind: 'tabl-allow',
      sfv: 'NSPM',
      label: `Tenant Allow/Block List allow ${tablAllow.value}`,
      object: tablAllow.object,
    })
  const primary = allows[0] ?? null
  if (allows.length > 1)
    trace.uncertain(
      'allow',
      `Several allows match (${allows.map((a) => a.label).join('; ')}); the header shows ${primary?.sfv}`,
      primary?.object ?? null,
      'The reference does not say which SFV is stamped when several allows fire',
    )
  if (primary?.kind === 'tabl-allow')
    trace.uncertain(
      'allow',
      'SFV shown as NSPM for a Tenant Allow/Block List allow',
      primary.object,
      'The reference (§4.6) does not list the SFV value of TABL allows',
    )
  const urlsAllRoutedByTabl =
    input.urls.length > 0 && input.urls.every((u) => tabl.urlAllowed.has(u))

  const remaining: Verdict[] = []
  for (const v of working) {
    if (v.overridable.tenantAllow && primary) {
      trace.step(
        'allow',
        `${primary.label} overrides ${v.cat} (${v.setting})`,
        primary.object,
        'Reference §4.3: the tenant wins over phish, HC spam, spam and bulk',
      )
      continue
    }
    if (
      v.overridable.ruleIfComplexRouting &&
      rules.scl === -1 &&
      rules.sclRule &&
      input.complexRouting
    ) {
      trace.step(
        'allow',
        `Mail flow rule '${rules.sclRule}' (SCL -1) lets high-confidence phish through: the MX is not Microsoft 365 (complex routing)`,
        obj('transport-rule', rules.sclRule),
        'Secure by default does not apply when the MX points elsewhere',
      )
      continue
    }
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
          'The reference does not say whether a spoof allow covers explicit DMARC failures',
        )
      else
        trace.step(
          'allow',
          'Spoofed-sender allow overrides the spoof verdict',
          tabl.spoofAllow.object,
        )
      continue
    }
    if (v.overridable.tenantAllow && urlsAllRoutedByTabl) {
      const entry = tabl.urlAllowed.get(input.urls[0] ?? '')
      trace.uncertain(
        'allow',
        `Tenant Allow/Block List URL allow overrides ${v.cat}`,
        entry?.object ?? null,
        'URL allows act on the URL entity only; passage assumes the verdict came from the message’s URLs, all of which are allowed',
      )
      continue
    }
    if (
      primary &&
      (NEVER_BYPASSED.includes(v.cat) || v.source === 'tabl-block' || v.source === 'spoof-block')
    )
      trace.step(
        'allow',
        `${primary.label} does not override ${v.source === 'tabl-block' ? 'a Tenant Allow/Block List block' : v.source === 'spoof-block' ? 'a spoofed-sender block' : v.cat}`,
        v.object,
        NEVER_BYPASSED.includes(v.cat) && v.source === 'filter'
          ? 'Malware and high-confidence phish are never bypassed by a rule, IP allow or allowed sender: no configuration can change this (only advanced delivery)'
          : 'A block beats an allow',
      )
    else if (primary && (v.source === 'rule-block' || v.source === 'anti-spam-block'))
      trace.uncertain(
        'allow',
        `${primary.label} does not override the block`,
        v.object,
        'The reference does not rank a tenant allow against a rule or anti-spam block; the block is applied',
      )
    remaining.push(v)
  }
  if (urlsAllRoutedByTabl && never)
    trace.step(
      'allow',
      `A direct URL allow does not override ${never.cat}; only a Submission-created allow can`,
      tabl.urlAllowed.get(input.urls[0] ?? '')?.object ?? null,
    )

  return { remaining, primary }
}
