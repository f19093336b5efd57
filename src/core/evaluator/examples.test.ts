import { describe, expect, it } from 'vitest'
import defenderData from '../../../examples/defender-p2-standard-preset.json' with { type: 'json' }
import eopData from '../../../examples/eop-only.json' with { type: 'json' }
import gatewayData from '../../../examples/gateway-relay.json' with { type: 'json' }
import { TenantSnapshot } from '../model/snapshot.js'
import { evaluate } from './evaluate.js'
import { summarise } from './summarise.js'
import { makeMessage, NOW } from './test-fixtures.js'

// The example snapshots in examples/ (written by others): the evaluator must handle real-looking data.
const defender = TenantSnapshot.parse(defenderData)
const eop = TenantSnapshot.parse(eopData)
const gateway = TenantSnapshot.parse(gatewayData)

describe('example snapshots', () => {
  it.each([
    ['defender-p2-standard-preset', defender],
    ['eop-only', eop],
    ['gateway-relay', gateway],
  ])('%s: evaluates every recipient with a complete trace', (_name, snapshot) => {
    const domain = snapshot.acceptedDomains[0]?.DomainName ?? 'example.com'
    const e = evaluate(
      snapshot,
      makeMessage({
        recipients: [`someone@${domain}`],
        detections: ['spam'],
        urls: ['https://contoso.com/a'],
      }),
      { now: NOW },
    )
    const r = e.recipients[0]!
    expect(r.trace.map((t) => t.stage)).toEqual(
      expect.arrayContaining(['routing', 'policy-selection', 'transport-rules', 'verdict']),
    )
    expect(summarise(e).length).toBeGreaterThan(2)
  })

  it('Standard preset (finance group) vs everyone else', () => {
    const msg = (to: string) => makeMessage({ recipients: [to], detections: ['phish'] })
    const [finance] = evaluate(defender, msg('megan.bowen@contoso.com'), { now: NOW }).recipients
    const [sales] = evaluate(defender, msg('alex.wilber@contoso.com'), { now: NOW }).recipients
    expect(finance?.policies.antiSpam).toEqual({
      kind: 'preset',
      name: 'Standard Preset Security Policy',
    })
    expect(finance?.action).toBe('quarantine')
    expect(sales?.policies.antiSpam.kind).toBe('anti-spam-policy')
  })

  it('gateway without Enhanced Filtering: the vendor-IP bypass never matches, the DMARC-pass rule cannot', () => {
    const adatum = evaluate(
      gateway,
      makeMessage({
        connectingIp: '198.51.100.23',
        recipients: ['jo@northwindtraders.com'],
        detections: ['spam'],
      }),
      { now: NOW },
    )
    expect(adatum.routing).toMatchObject({ complexRouting: true, enhancedFiltering: false })
    const r = adatum.recipients[0]!
    expect(r.headers?.forefront.fields.CIP).toMatch(/^195\.130\.217\./)
    expect(r.headers?.setByRules['X-Northwind-Gateway']).toBe('mimecast')
    expect(
      r.trace.find((t) => t.object?.name === 'Legacy Spam Bypass - Adatum EDI Partner')?.decision,
    ).toMatch(/Does not match/)

    const litware = evaluate(
      gateway,
      makeMessage({
        mailFrom: 'noreply@payroll.litwareinc.com',
        headerFrom: 'noreply@payroll.litwareinc.com',
        dkimDomain: 'payroll.litwareinc.com',
        recipients: ['jo@northwindtraders.com'],
        detections: ['spam'],
      }),
      { now: NOW },
    ).recipients[0]!
    expect(litware.action).toBe('junk')
    expect(
      litware.trace.find((t) => t.object?.name === 'Spam Bypass - Litware Payroll Notifications')
        ?.decision,
    ).toMatch(/contains none of the words/)
  })

  it('gateway: the TABL lookalike block quarantines', () => {
    const r = evaluate(
      gateway,
      makeMessage({
        mailFrom: 'ceo@northwlndtraders.com',
        headerFrom: 'ceo@northwlndtraders.com',
        recipients: ['jo@northwindtraders.com'],
      }),
      { now: NOW },
    ).recipients[0]!
    expect(r.action).toBe('quarantine')
  })
})
