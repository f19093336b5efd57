/**
 * The monitor against the sandbox over HTTPS (issue 16, Must hold): with a clock passed in, a
 * drift by the sandbox's co-manager (a CIPP-style standard that puts the connection filter IP allow
 * list back) gives exactly one alert naming it, and the way back to green one "resolved"; 60
 * simulated days give one "expiring" alert for the URL allow passage created, not one a day; a
 * revoked consent gives one "broken" alert; with renewal on, 90 days stay green, the URL allow is
 * renewed twice (one "renewed" alert each, one in the first 60 days), journaled, and check and
 * rollback still mean the vendor's plan.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { apply } from '../../src/app/apply.js'
import { check } from '../../src/app/check.js'
import { discover } from '../../src/app/discover.js'
import type { Alert, AlertSink } from '../../src/app/monitor/alert.js'
import { runMonitorOnce, type MonitorTenant } from '../../src/app/monitor/run.js'
import { webhookSink } from '../../src/app/monitor/webhook.js'
import { rollback } from '../../src/app/rollback.js'
import { newProfile, openSession } from '../../src/app/session.js'
import { chooseVendor } from '../../src/app/vendor-choice.js'
import { plan as makePlan } from '../../src/core/planner/plan.js'
import type { SandboxTenant } from '../../src/sandbox/contracts.js'
import { createAppCredentials } from '../../src/sandbox/identity/index.js'
import { openStore, type Store } from '../../src/store/index.js'
import { openMonitorStore, type OpenedMonitorStore } from '../../src/store/monitor.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'
import { sandbox, tenantNamed, type Sandbox } from './helpers.js'

const DAY = 86_400_000
const SECRET = 'monitor-webhook-secret-for-tests'

const open: { close(): unknown }[] = []
const dirs: string[] = []
afterAll(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A clock the test moves. */
function testClock() {
  let t = Date.now()
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) }
}

/** `days` daily passes (the clock moved a day after each): the state each found. */
async function daily(
  days: number,
  pass: Parameters<typeof runMonitorOnce>[0],
  clock: ReturnType<typeof testClock>,
): Promise<string[]> {
  const seen: string[] = []
  for (let day = 0; day < days; day++) {
    const r = await runMonitorOnce(pass)
    seen.push(r.classified[0]?.classification?.state ?? 'none')
    clock.advance(DAY)
  }
  return seen
}

/** A sink that keeps what it is sent. */
function listSink(): AlertSink & { got: Alert[] } {
  const got: Alert[] = []
  return { name: 'list', got, send: async (a) => (got.push(a), { ok: true }) }
}

/** A loopback webhook receiver (closed after the file), judging signatures by the test's clock. */
async function receiver() {
  const r = await webhookReceiver(SECRET, { senderClock: true })
  open.push(r)
  return r
}

/**
 * A sandbox, a store on a file (the monitor's states on a second connection to it), an app on
 * `prefix`'s tenant whose sessions each pass opens anew, and ContactMonkey's plan (`mode`)
 * applied; `before` runs on the tenant before it is discovered.
 */
async function setup(
  prefix: string,
  before: (t: SandboxTenant) => void = () => {},
  mode: 'recommended' | 'recipe' = 'recommended',
) {
  const clock = testClock()
  const s: Sandbox = await sandbox()
  open.push(s)
  const dir = mkdtempSync(join(tmpdir(), 'passage-monitor-'))
  dirs.push(dir)
  const file = join(dir, 'passage.db')
  const store: Store = await openStore(file, { now: clock.now })
  open.push(store)
  const states: OpenedMonitorStore = await openMonitorStore(file, { now: clock.now })
  open.push(states)
  const t = tenantNamed(s, prefix)
  before(t)
  const creds = createAppCredentials({
    displayName: `passage monitor tests ${prefix}`,
    appRoles: ['Exchange.ManageAsApp', 'Organization.Read.All', 'Domain.Read.All'],
    roles: ['Exchange Administrator'],
  })
  s.sb.addApp(t.snapshot.tenant.name, creds.app)
  writeFileSync(join(dir, 'cert.pem'), creds.certificatePem)
  writeFileSync(join(dir, 'key.pem'), creds.privateKeyPem, { mode: 0o600 })
  const profile = newProfile({
    tenant: t.snapshot.tenant.name,
    sandboxUrl: s.sb.url,
    auth: {
      kind: 'certificate',
      clientId: creds.app.clientId,
      certificateFile: join(dir, 'cert.pem'),
      keyFile: join(dir, 'key.pem'),
    },
  })
  const session = () =>
    openSession(profile, {
      caPem: s.sb.caPem,
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    })
  const x = await session()
  const p = makePlan(
    chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }),
    { mode },
    (await discover(x, store)).snapshot,
    { now: clock.now().toISOString() },
  )
  const applied = await apply(x, store, p)
  x.close()
  expect(applied.status).toBe('done')
  const tenant: MonitorTenant = {
    tenantId: t.snapshot.tenant.id,
    name: t.snapshot.tenant.name,
    open: session,
  }
  return { s, t, clock, store, states, tenant, plan: p, session, clientId: creds.app.clientId }
}

describe('monitor: drift by the sandbox co-manager', () => {
  it('alerts once, naming the CIPP standard and the day; green again alerts once "resolved"', async () => {
    let ipsUntouched: string[] = []
    const { t, clock, store, states, tenant, session } = await setup(
      'contoso',
      (t) => {
        ipsUntouched = [...t.snapshot.state.connectionFilter.IPAllowList]
        // CIPP's marker on one of the tenant's objects: co-managers.ts recognises it.
        const rule = t.snapshot.state.transportRules[0]
        expect(rule).toBeDefined()
        t.snapshot.state = {
          ...t.snapshot.state,
          transportRules: [
            ...t.snapshot.state.transportRules,
            {
              ...rule!,
              Name: 'CIPP - block auto-forwarding',
              Guid: rule!.Guid?.replace(/.$/, '9'),
              Priority: t.snapshot.state.transportRules.length,
            },
          ],
        }
      },
      // The recipe adds the vendor's IP to the connection filter IP allow list.
      'recipe',
    )
    const hook = await receiver()
    const list = listSink()
    const alerts = [webhookSink({ url: hook.url, secret: SECRET, now: clock.now }), list]
    const pass = () =>
      runMonitorOnce({ store, states, tenants: [tenant], clock: clock.now, alerts })

    // Green first: nothing to say.
    const first = await pass()
    expect(first.classified[0]?.classification?.state).toBe('green')
    expect(first.alertsSent).toBe(0)

    // The co-manager: from now on it puts the IP allow list back after any change (co-manager.ts);
    // its standard "runs" now, undoing passage's IP.
    expect(t.snapshot.state.connectionFilter.IPAllowList).toContain('167.89.10.20')
    expect(ipsUntouched).not.toContain('167.89.10.20')
    t.fleet = {
      index: 1,
      consented: true,
      roleGranted: true,
      spDisabled: false,
      coManager: true,
      gateway: false,
      coManagerState: { pendingIpAllowList: ipsUntouched },
    }
    clock.advance(DAY)
    const drifted = await pass()
    const c = drifted.classified[0]!.classification!
    expect(c.state).toBe('drifted')
    const day = new Date().toISOString().slice(0, 10) // the sandbox's WhenChanged: its own clock
    expect(c.explanation).toMatch(
      new RegExp(
        `^A CIPP standard \\(the one that empties the connection filter IP allow list\\) removed what passage set for ContactMonkey in ${t.snapshot.tenant.name} on ${day} .*IPAllowList lacks 167\\.89\\.10\\.20`,
      ),
    )
    expect(c.fix).toBe(
      'Re-apply, or exclude this tenant from that CIPP standard so it does not remove the IPs again.',
    )
    expect(drifted.alertsSent).toBe(1)
    expect(hook.verified.map((a) => a.kind)).toEqual(['drifted'])
    expect(hook.refused()).toBe(0)

    // The same drift on the following days: no repeat.
    for (let d = 0; d < 3; d++) {
      clock.advance(DAY)
      expect((await pass()).alertsSent).toBe(0)
    }
    expect(list.got.map((a) => a.kind)).toEqual(['drifted'])

    // Someone re-applies with the co-manager gone: green again, one "resolved".
    t.fleet.coManager = false
    const x = await session()
    const replan = makePlan(
      chooseVendor('contactmonkey', { region: 'us', dedicatedIp: '167.89.10.20' }),
      { mode: 'recipe' },
      (await discover(x, store)).snapshot,
      { now: clock.now().toISOString() },
    )
    const again = await apply(x, store, replan)
    x.close()
    expect(again.status).toBe('done')
    clock.advance(DAY)
    const resolved = await pass()
    expect(resolved.classified[0]?.classification?.state).toBe('green')
    expect(resolved.alertsSent).toBe(1)
    clock.advance(DAY)
    expect((await pass()).alertsSent).toBe(0)
    expect(list.got.map((a) => `${a.previousState}->${a.kind}`)).toEqual([
      'green->drifted',
      'drifted->resolved',
    ])
    expect(hook.verified).toHaveLength(2)
  }, 60_000)
})

describe('monitor: TABL expiry across 60 simulated days', () => {
  it('one "expiring" alert for the URL allow passage created, not one a day', async () => {
    const { clock, store, states, tenant } = await setup('contoso')
    const list = listSink()
    const seen = await daily(
      61,
      { store, states, tenants: [tenant], clock: clock.now, alerts: [list] },
      clock,
    )
    // Created with "remove 45 days after last use" and never used: counted from creation, it is
    // reported 7 days before day 45 and from then on.
    expect(seen.slice(0, 38)).toEqual(Array(38).fill('green'))
    expect(new Set(seen.slice(39))).toEqual(new Set(['expiring']))
    expect(list.got).toHaveLength(1)
    const [a] = list.got
    expect(a!.kind).toBe('expiring')
    expect(a!.explanation).toMatch(/lapses on \d{4}-\d{2}-\d{2}/)
    expect(a!.explanation).toContain('do not say when one never used is removed')
    expect(a!.fix).toMatch(/^Renew (it|them) before \d{4}-\d{2}-\d{2}/)
  }, 120_000)
})

describe('monitor: consent revoked', () => {
  it('one "broken" alert saying consent was revoked and how to grant it again; one a sink missed is sent on the next pass', async () => {
    const { t, clock, store, states, tenant, clientId } = await setup('contoso')
    const list = listSink()
    let down = false
    const flaky: AlertSink = {
      name: 'flaky',
      send: async (a) => (down ? { ok: false, detail: 'down' } : list.send(a)),
    }
    const pass = () =>
      runMonitorOnce({ store, states, tenants: [tenant], clock: clock.now, alerts: [flaky] })
    expect((await pass()).classified[0]?.classification?.state).toBe('green')
    // The tenant's admin removes the app (its service principal): sign-in is refused.
    t.apps = t.apps.filter((a) => a.clientId !== clientId)
    down = true
    const sent: number[] = []
    for (let d = 0; d < 4; d++) {
      clock.advance(DAY)
      const r = await pass()
      expect(r.classified[0]?.classification?.state).toBe('broken')
      sent.push(r.alertsSent)
      down = false
    }
    // Missed on the first pass (the sink was down), sent on the second, never again.
    expect(sent).toEqual([0, 1, 0, 0])
    expect(list.got).toHaveLength(1)
    expect(list.got[0]!.kind).toBe('broken')
    // Sent a pass late, it still says what the state was before the change.
    expect(list.got[0]!.previousState).toBe('green')
    expect(list.got[0]!.explanation).toContain('admin consent was revoked')
    expect(list.got[0]!.fix).toContain("grant the app's admin consent again")
  }, 60_000)
})

describe('client.tabl-allow-renewal: the monitor renews the allows passage created', () => {
  it('renews the URL allow before it lapses, 90 days long: green every day, one "renewed" alert per renewal, each journaled', async () => {
    const { t, clock, store, states, tenant, plan, session } = await setup('contoso')
    const list = listSink()
    const pass = { store, states, tenants: [tenant], clock: clock.now, alerts: [list], renew: true }
    const seen = await daily(61, pass, clock)
    const by60 = list.got.length
    seen.push(...(await daily(30, pass, clock)))
    expect(new Set(seen)).toEqual(new Set(['green']))
    // Across 60 days: exactly one alert, for the renewal; no "expiring" ever.
    expect(by60).toBe(1)
    expect(list.got.map((a) => a.kind)).toEqual(['renewed', 'renewed'])
    const urlValues = plan.changes
      .filter((c) => c.surface === 'tabl-item' && c.op === 'create')
      .map((c) => String(c.after!.Value))
    const [first] = list.got
    expect(first!.explanation).toMatch(
      /^Passage renewed \d+ allows? it created for ContactMonkey in .+ before (it|they) lapsed \(run \d+\): each was removed and created again as it was, so its 45 days count again from \d{4}-\d{2}-\d{2}\.$/,
    )
    expect(first!.reasons.join(' ')).toContain(urlValues[0])
    // Renewed 7 days before day 45 (day 38), then 7 days before day 38 + 45 (day 76).
    const runs = (await store.listRuns(t.snapshot.tenant.id, 500)).filter(
      (r) => r.purpose === 'renewal',
    )
    expect(runs.map((r) => r.status)).toEqual(['done', 'done'])
    const journal = await store.getJournal(runs[1]!.id)
    const urls = plan.changes.filter((c) => c.surface === 'tabl-item' && c.op === 'create')
    expect(journal.map((j) => j.target).sort()).toEqual(urls.map((c) => c.target).sort())
    expect(journal.every((j) => j.prior?.RemoveAfter === 45)).toBe(true)
    // The entries are there, as passage made them.
    for (const c of urls) {
      const item = t.snapshot.state.tabl.items.find((i) => i.Value === c.after!.Value)
      expect(item?.RemoveAfter).toBe(45)
      expect(item?.Notes).toBe(c.after!.Notes)
    }
    // check and rollback still mean the vendor's plan, not a renewal.
    const x = await session()
    try {
      const checked = await check(x, store)
      expect(checked.planHash).toBe(plan.hash)
      expect(checked.green).toBe(true)
      const undone = await rollback(x, store)
      expect(undone.status).toBe('done')
      for (const c of urls)
        expect(t.snapshot.state.tabl.items.some((i) => i.Value === c.after!.Value)).toBe(false)
    } finally {
      x.close()
    }
  }, 180_000)
})
