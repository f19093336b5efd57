import { describe, expect, it } from 'vitest'
import type { AuthResults } from './auth.js'
import { filterVerdicts } from './filter-verdicts.js'
import { linkMicrosoftPages } from './microsoft-pages.js'
import { selectMalwarePolicy, selectPolicies } from './policies.js'
import { makeMessage, makeSnapshot, type MessageOverrides } from './test-fixtures.js'
import { Trace } from './trace.js'

// The filters' verdicts and the action each takes from the recipient's policies (issue 18: each
// rule pinned by its verdict and the trace's words). Microsoft: anti-spam-policies-configure.md
// (the actions and quarantine tags per verdict, BulkThreshold, MarkAsSpamBulkMail),
// anti-phishing-policies-about.md (spoof intelligence, HonorDmarcPolicy, DmarcQuarantineAction,
// DmarcRejectAction), how-policies-and-protections-are-combined.md (the verdict order).

const tags = ['TagHPHSH', 'TagPHSH', 'TagHSPM', 'TagSPM', 'TagBULK', 'TagSPOOF', 'TagMALW']

/** A tenant whose default policies quarantine every verdict, each under a quarantine tag of its own. */
function tenant(antiSpam: Record<string, unknown> = {}, antiPhish: Record<string, unknown> = {}) {
  return makeSnapshot({
    state: {
      quarantinePolicies: tags.map((Name) => ({ Name, EndUserQuarantinePermissionsValue: 0 })),
      antiSpam: {
        policies: [
          {
            Name: 'Default',
            IsDefault: true,
            SpamAction: 'Quarantine',
            HighConfidenceSpamAction: 'Quarantine',
            PhishSpamAction: 'Quarantine',
            HighConfidencePhishAction: 'Quarantine',
            BulkSpamAction: 'Quarantine',
            SpamQuarantineTag: 'TagSPM',
            HighConfidenceSpamQuarantineTag: 'TagHSPM',
            PhishQuarantineTag: 'TagPHSH',
            HighConfidencePhishQuarantineTag: 'TagHPHSH',
            BulkQuarantineTag: 'TagBULK',
            ...antiSpam,
          },
        ],
      },
      antiPhish: {
        policies: [
          {
            Name: 'Office365 AntiPhish Default',
            IsDefault: true,
            AuthenticationFailAction: 'Quarantine',
            SpoofQuarantineTag: 'TagSPOOF',
            ...antiPhish,
          },
        ],
      },
      malware: {
        policies: [
          {
            Name: 'Tenant malware',
            IsDefault: true,
            QuarantineTag: 'TagMALW',
            EnableFileFilter: true,
            FileTypes: ['exe'],
            FileTypeAction: 'Quarantine',
          },
        ],
      },
    },
  })
}

const pass: AuthResults = {
  spf: 'pass',
  dkim: 'pass',
  dmarc: 'pass',
  dmarcPolicy: 'none',
  enforced: true,
}
const dmarcFail = (dmarcPolicy: AuthResults['dmarcPolicy'], enforced = true): AuthResults => ({
  spf: 'fail',
  dkim: 'fail',
  dmarc: 'fail',
  dmarcPolicy,
  enforced,
})

function verdicts(
  over: MessageOverrides,
  opts: { snapshot?: ReturnType<typeof tenant>; auth?: AuthResults; malware?: boolean } = {},
) {
  const snapshot = opts.snapshot ?? tenant()
  const message = makeMessage(over)
  const recipient = message.recipients[0] ?? ''
  const policies = selectPolicies(snapshot, recipient, new Trace())
  const malware = opts.malware ? selectMalwarePolicy(snapshot, recipient, new Trace()) : null
  const trace = new Trace()
  const out = filterVerdicts(message, opts.auth ?? pass, policies, snapshot.licence, trace, malware)
  return { ...out, steps: trace.steps }
}

const antiSpam = { kind: 'anti-spam-policy', name: 'Default' }
const antiPhish = { kind: 'anti-phish-policy', name: 'Office365 AntiPhish Default' }
const tenantAndUser = { tenantAllow: true, ifMxElsewhere: false, userSafe: true }

describe('filterVerdicts: the action each verdict takes from the anti-spam policy', () => {
  it.each([
    ['spam', 'SPM', 'SpamAction', 'TagSPM'],
    ['high-confidence-spam', 'HSPM', 'HighConfidenceSpamAction', 'TagHSPM'],
    ['phish', 'PHSH', 'PhishSpamAction', 'TagPHSH'],
  ] as const)('%s is %s under %s, with its own quarantine tag', (d, cat, setting, tag) => {
    const r = verdicts({ detections: [d] })
    expect(r.verdicts).toEqual([
      {
        cat,
        action: 'quarantine',
        quarantineTag: tag,
        setting: `${setting}=Quarantine`,
        object: antiSpam,
        source: 'filter',
        overridable: tenantAndUser,
      },
    ])
  })

  it('takes the setting’s action, not a fixed one', () => {
    const s = tenant({ SpamAction: 'MoveToJmf', PhishSpamAction: 'Delete' })
    expect(verdicts({ detections: ['spam'] }, { snapshot: s }).verdicts[0]).toMatchObject({
      action: 'junk',
      quarantineTag: null,
      setting: 'SpamAction=MoveToJmf',
    })
    expect(verdicts({ detections: ['phish'] }, { snapshot: s }).verdicts[0]?.action).toBe('dropped')
  })

  it('lets only an SCL -1 rule or allows when the MX points elsewhere override high confidence phish', () => {
    // ms-rule: eval.allow.hcphish-mx-elsewhere (secure-by-default.md)
    const r = verdicts({ detections: ['high-confidence-phish'] })
    expect(r.verdicts).toEqual([
      {
        cat: 'HPHSH',
        action: 'quarantine',
        quarantineTag: 'TagHPHSH',
        setting: 'HighConfidencePhishAction=Quarantine',
        object: antiSpam,
        source: 'filter',
        overridable: { tenantAllow: false, ifMxElsewhere: true, userSafe: false },
      },
    ])
  })

  it('finds nothing in a clean message, and says so', () => {
    for (const detections of [[], ['none' as const]]) {
      const r = verdicts({ detections })
      expect(r).toEqual({
        verdicts: [],
        bulkOverThreshold: false,
        bcl: 0,
        steps: [{ stage: 'filter-verdict', decision: 'Nothing detected', object: null }],
      })
    }
  })
})

describe('filterVerdicts: bulk (BulkThreshold, MarkAsSpamBulkMail)', () => {
  it('takes no bulk action under the threshold, and says so', () => {
    const r = verdicts({ detections: [{ kind: 'bulk', bcl: 6 }] })
    expect(r).toMatchObject({ verdicts: [], bulkOverThreshold: false, bcl: 6 })
    expect(r.steps[0]).toEqual({
      stage: 'filter-verdict',
      decision: 'Bulk with BCL 6, below the threshold 7: no bulk action',
      object: antiSpam,
    })
  })

  it('acts at the threshold (BCL ≥ BulkThreshold)', () => {
    const r = verdicts({ detections: [{ kind: 'bulk', bcl: 7 }] })
    expect(r).toMatchObject({ bulkOverThreshold: true, bcl: 7 })
    expect(r.verdicts).toEqual([
      {
        cat: 'BULK',
        action: 'quarantine',
        quarantineTag: 'TagBULK',
        setting: 'BulkSpamAction=Quarantine',
        object: antiSpam,
        source: 'filter',
        overridable: tenantAndUser,
      },
    ])
  })

  it('takes no bulk action with MarkAsSpamBulkMail Off, though the BCL is over the threshold', () => {
    const r = verdicts(
      { detections: [{ kind: 'bulk', bcl: 9 }] },
      { snapshot: tenant({ MarkAsSpamBulkMail: 'Off' }) },
    )
    expect(r).toMatchObject({ verdicts: [], bulkOverThreshold: true, bcl: 9 })
    expect(r.steps[0]).toEqual({
      stage: 'filter-verdict',
      decision: 'Bulk with BCL 9 ≥ 7, but MarkAsSpamBulkMail is Off: no bulk action',
      object: antiSpam,
    })
  })

  it('reports the highest BCL detected, whatever the order', () => {
    for (const bcls of [
      [3, 8],
      [8, 3],
    ])
      expect(
        verdicts({ detections: bcls.map((bcl) => ({ kind: 'bulk' as const, bcl })) }).bcl,
      ).toBe(8)
  })
})

describe('filterVerdicts: spoof intelligence', () => {
  it('gives a detected spoof the AuthenticationFailAction', () => {
    expect(verdicts({ detections: ['spoof'] }).verdicts).toEqual([
      {
        cat: 'SPOOF',
        action: 'quarantine',
        quarantineTag: 'TagSPOOF',
        setting: 'AuthenticationFailAction=Quarantine',
        object: antiPhish,
        source: 'spoof-intelligence',
        overridable: tenantAndUser,
      },
    ])
  })

  it('takes no spoof action when spoof intelligence is off, and says so', () => {
    const r = verdicts(
      { detections: ['spoof'] },
      { snapshot: tenant({}, { EnableSpoofIntelligence: false }) },
    )
    expect(r.verdicts).toEqual([])
    expect(r.steps[0]).toEqual({
      stage: 'filter-verdict',
      decision: 'Spoof detected, but spoof intelligence is off in the policy: no spoof action',
      object: antiPhish,
    })
  })
})

describe('filterVerdicts: explicit DMARC failure (HonorDmarcPolicy)', () => {
  it.each([
    ['quarantine', 'DmarcQuarantineAction', 'quarantine'],
    ['reject', 'DmarcRejectAction', 'rejected'],
  ] as const)('p=%s takes %s', (p, setting, action) => {
    const r = verdicts({}, { auth: dmarcFail(p) })
    expect(r.verdicts).toEqual([
      {
        cat: 'SPOOF',
        action,
        quarantineTag: action === 'quarantine' ? 'TagSPOOF' : null,
        setting: `${setting}=${p === 'reject' ? 'Reject' : 'Quarantine'}`,
        object: antiPhish,
        source: 'dmarc',
        overridable: tenantAndUser,
      },
    ])
  })

  it('uses the policy’s DMARC actions, not fixed ones', () => {
    const s = tenant({}, { DmarcQuarantineAction: 'MoveToJmf', DmarcRejectAction: 'Quarantine' })
    expect(verdicts({}, { snapshot: s, auth: dmarcFail('quarantine') }).verdicts[0]?.setting).toBe(
      'DmarcQuarantineAction=MoveToJmf',
    )
    expect(verdicts({}, { snapshot: s, auth: dmarcFail('reject') }).verdicts[0]?.setting).toBe(
      'DmarcRejectAction=Quarantine',
    )
  })

  it('falls back to the spoof action when HonorDmarcPolicy is off, and says so', () => {
    const r = verdicts(
      {},
      { snapshot: tenant({}, { HonorDmarcPolicy: false }), auth: dmarcFail('reject') },
    )
    expect(r.verdicts).toEqual([
      {
        cat: 'SPOOF',
        action: 'quarantine',
        quarantineTag: 'TagSPOOF',
        setting: 'AuthenticationFailAction=Quarantine',
        object: antiPhish,
        source: 'dmarc',
        overridable: tenantAndUser,
      },
    ])
    expect(r.steps[0]).toEqual({
      stage: 'filter-verdict',
      decision: 'DMARC fails with p=reject; HonorDmarcPolicy is off, so the spoof action applies',
      object: antiPhish,
    })
  })

  it('takes no action with HonorDmarcPolicy and spoof intelligence both off', () => {
    const s = tenant({}, { HonorDmarcPolicy: false, EnableSpoofIntelligence: false })
    const r = verdicts({}, { snapshot: s, auth: dmarcFail('quarantine') })
    expect(r.verdicts).toEqual([])
    expect(r.steps.map((t) => t.decision)).toEqual(['Nothing detected'])
  })

  it('does not enforce DMARC behind a gateway without Enhanced Filtering, and says so', () => {
    const r = verdicts({}, { auth: dmarcFail('quarantine', false) })
    expect(r.verdicts).toEqual([])
    expect(r.steps[0]).toEqual({
      stage: 'filter-verdict',
      decision:
        'DMARC fails with p=quarantine but is not enforced behind a gateway without Enhanced Filtering',
      object: antiPhish,
    })
  })

  it('acts only on a failure with p=quarantine or p=reject', () => {
    for (const auth of [
      dmarcFail('none'),
      dmarcFail(null),
      { ...pass, dmarcPolicy: 'reject' as const },
    ])
      expect(verdicts({}, { auth }).verdicts).toEqual([])
  })
})

describe('filterVerdicts: malware', () => {
  it('quarantines malware under the selected anti-malware policy', () => {
    const r = verdicts({ detections: ['malware'] }, { malware: true })
    expect(r.verdicts[0]).toMatchObject({
      cat: 'MALW',
      quarantineTag: 'TagMALW',
      object: { kind: 'anti-malware-policy', name: 'Tenant malware' },
    })
  })

  it('takes Microsoft’s Default anti-malware policy when the caller selects none', () => {
    const r = verdicts({ detections: ['malware'] })
    expect(r.verdicts[0]).toMatchObject({
      cat: 'MALW',
      action: 'quarantine',
      quarantineTag: 'AdminOnlyAccessPolicy',
      object: { kind: 'anti-malware-policy', name: 'Default' },
    })
    expect(r.steps[0]?.decision).toBe(
      "Malware: quarantined with AdminOnlyAccessPolicy (anti-malware policy 'Default')",
    )
  })

  it('runs the common attachments filter only with a selected anti-malware policy', () => {
    const exe = { attachments: ['setup.exe'], attachmentTypes: ['exe'] }
    expect(verdicts(exe, { malware: true }).verdicts.map((v) => v.cat)).toEqual(['MALW'])
    expect(verdicts(exe).verdicts).toEqual([])
  })
})

describe('filterVerdicts: the verdict order and its trace (ms-rule eval.verdict.order)', () => {
  it('sorts the verdicts, names them all, and gives the winner’s policy', () => {
    const r = verdicts({ detections: ['spam', { kind: 'bulk', bcl: 9 }, 'phish'] })
    expect(r.verdicts.map((v) => v.cat)).toEqual(['PHSH', 'SPM', 'BULK'])
    expect(r.steps[r.steps.length - 1]).toEqual({
      stage: 'filter-verdict',
      decision:
        'Detected PHSH, SPM, BULK; the verdict is PHSH (verdict order MALW > HPHSH > PHSH > HSPM > SPOOF > UIMP > DIMP > GIMP > SPM > BULK)',
      object: antiSpam,
      note: linkMicrosoftPages(
        'PHSH: PhishSpamAction=Quarantine; SPM: SpamAction=Quarantine; BULK: BulkSpamAction=Quarantine',
      ),
    })
  })

  it('names the anti-phishing policy when a spoof verdict wins', () => {
    const r = verdicts({ detections: ['spam', 'spoof'] })
    expect(r.steps[r.steps.length - 1]?.object).toEqual(antiPhish)
  })
})
