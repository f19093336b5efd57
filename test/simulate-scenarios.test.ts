import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSnapshot } from '../src/app/snapshot-file.js'
import { getVendor, loadCatalog } from '../src/catalog/index.js'
import { plan } from '../src/core/planner/plan.js'
import { afterChanges, simulate, typicalMessages } from '../src/core/simulate/index.js'
import { resolveVendor } from '../src/core/vendor/resolve.js'
import { sampleParams } from './helpers/sample-params.js'

// Each catalog vendor's typical mail in each example tenant: where it lands now, and after the
// plan passage makes. The vendors' own symptom lists say it is junked or quarantined without
// configuration; after the plan it must reach the inbox. Malware and high-confidence phish are
// shown honestly: no plan delivers them.
const NOW = '2026-11-20T09:00:00Z'
const examplesDir = join(import.meta.dirname, '..', 'examples')
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json'))
const vendors = loadCatalog()
  .map((v) => v.id)
  .filter((id) => id !== 'custom')

describe.each(vendors)('%s', (id) => {
  describe.each(examples)('in %s', (file) => {
    const snapshot = loadSnapshot(join(examplesDir, file))
    const params = sampleParams(getVendor(id).params)
    // A gateway vendor's addresses are the tenant's own gateway's.
    if (getVendor(id).category === 'gateway-mx' && snapshot.mx.route === 'gateway')
      params.gatewayIps = snapshot.mx.ips.join(',')
    const vendor = resolveVendor(getVendor(id), params)
    const messages = typicalMessages(vendor, snapshot)
    const gatewayElsewhere = vendor.category === 'gateway-mx' && snapshot.mx.route !== 'gateway'

    it('has typical messages unless the gateway is not in front of this tenant', () => {
      expect(messages.length > 0).toBe(!gatewayElsewhere)
    })

    it.each(['recommended', 'recipe'] as const)(
      '%s: junked or quarantined before, inbox after',
      (mode) => {
        if (gatewayElsewhere) return
        const p = plan(vendor, { mode }, snapshot, { now: NOW })
        const sim = simulate(snapshot, afterChanges(snapshot, p.changes), messages, NOW)
        // EOP recognises a gateway behind a partner connector as complex routing (compauth 905)
        // and does not junk its ordinary mail; what the gateway's plan adds is the true source.
        if (vendor.category !== 'gateway-mx')
          expect(sim.rows.some((r) => r.before.action !== 'inbox')).toBe(true)
        const stuck = sim.rows.filter((r) => r.after?.action !== 'inbox')
        expect(
          stuck.map(
            (r) => `${r.label} -> ${r.recipient}: ${r.after?.action} (${r.after?.category})`,
          ),
        ).toEqual([])
        expect(sim.rows.every((r) => r.fixed || r.before.action === 'inbox')).toBe(true)
      },
    )

    it.each(['malware', 'high-confidence-phish'] as const)(
      '%s stays out of the inbox after the recipe, or the plan says it may not',
      (kind) => {
        if (gatewayElsewhere) return
        const p = plan(vendor, { mode: 'recipe' }, snapshot, { now: NOW })
        const bad = typicalMessages(vendor, snapshot, { detections: [kind] })
        const sim = simulate(snapshot, afterChanges(snapshot, p.changes), bad, NOW)
        const simulation = vendor.category === 'phishing-simulation' && kind !== 'malware'
        for (const r of sim.rows) {
          // Advanced delivery is the one documented override of high-confidence phish, and only
          // for phishing simulations; malware is never delivered.
          if (simulation) {
            // Advanced delivery is the documented override for simulations: they arrive.
            expect(r.after?.action, `${r.label} -> ${r.recipient}`).toBe('inbox')
            continue
          }
          if (kind === 'high-confidence-phish' && r.after?.action === 'inbox') {
            // Behind a gateway, an SCL -1 rule lets high-confidence phish through (secure by
            // default does not hold): the plan must say so.
            expect(snapshot.mx.route).toBe('gateway')
            expect(p.notices.join('\n')).toMatch(/high-confidence phish can get through/)
            continue
          }
          expect(r.after?.action, `${r.label} -> ${r.recipient}`).not.toBe('inbox')
          expect(r.unfixable).toBe(true)
        }
      },
    )
  })
})
