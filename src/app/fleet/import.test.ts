import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type Store } from '../../store/index.js'
import { importTenants, parseTenantCsv, tenantNameProblem } from './import.js'
import { fleetSandbox, type FleetSandbox } from './test-fixtures.js'

const A = '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3'
const B = '1b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3'

describe('parseTenantCsv', () => {
  it('reads tenant,name,tags with ;-separated tags (quotes allowed), skipping blank and # lines', () => {
    const { rows, refused } = parseTenantCsv(
      `tenant,name,tags\n${A},Contoso.onmicrosoft.com,eu;Retail\n\n# comment\n"${B}","fabrikam.onmicrosoft.com",""\n`,
    )
    expect(refused).toEqual([])
    expect(rows).toEqual([
      {
        line: 2,
        tenantId: A,
        name: 'contoso.onmicrosoft.com',
        tags: ['eu', 'retail'],
        access: 'change',
      },
      { line: 5, tenantId: B, name: 'fabrikam.onmicrosoft.com', tags: [], access: 'change' },
    ])
  })

  it('refuses each bad line with its number and reason, keeping the good ones', () => {
    const { rows, refused } = parseTenantCsv(
      [
        'tenant,name,tags',
        `not-a-guid,contoso.onmicrosoft.com,`,
        `${A},contoso.com,`,
        `${A},contoso.mail.onmicrosoft.com,`,
        `${A},contoso.onmicrosoft.com,bad tag!`,
        `${A},contoso.onmicrosoft.com`,
        `${A},contoso.onmicrosoft.com,ok`,
        `${A},other.onmicrosoft.com,`,
        `"${B},x.onmicrosoft.com,`,
      ].join('\n'),
    )
    expect(rows.map((r) => r.line)).toEqual([7])
    expect(refused.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 8, 9])
    expect(refused[0]?.reason).toMatch(/not a tenant GUID/)
    expect(refused[1]?.reason).toMatch(/onmicrosoft/)
    expect(refused[3]?.reason).toMatch(/tag/)
    expect(refused[4]?.reason).toMatch(/2 fields, expected 3/)
    expect(refused[5]?.reason).toMatch(/already on line 7/)
    expect(refused[6]?.reason).toMatch(/quote/)
  })

  it('takes an optional access column (change or read)', () => {
    const { rows, refused } = parseTenantCsv(
      `tenant,name,tags,access\n${A},a.onmicrosoft.com,,read\n${B},b.onmicrosoft.com,,admin\n`,
    )
    expect(rows[0]?.access).toBe('read')
    expect(refused).toEqual([{ line: 3, reason: "access 'admin' is not change or read" }])
  })

  it('refuses a file without the header, or too many lines', () => {
    expect(() => parseTenantCsv(`${A},a.onmicrosoft.com,\n`)).toThrow(/header tenant,name,tags/)
    expect(() => parseTenantCsv('')).toThrow(/empty/)
    const many = `tenant,name,tags\n${`${A},a.onmicrosoft.com,\n`.repeat(10_001)}`
    expect(() => parseTenantCsv(many)).toThrow(/more than 10000 lines/)
  })

  it('tenantNameProblem accepts only a tenant’s initial *.onmicrosoft.com domain', () => {
    expect(tenantNameProblem('contoso.onmicrosoft.com')).toBeNull()
    expect(tenantNameProblem('a.b.onmicrosoft.com')).toMatch(/one label/)
    expect(tenantNameProblem('1.2.3.4')).not.toBeNull()
  })
})

describe('importTenants', () => {
  let fs: FleetSandbox
  let store: Store
  beforeAll(async () => {
    fs = await fleetSandbox()
    store = await openStore(':memory:')
    await store.saveFleetApp(fs.app)
  }, 60_000)
  afterAll(async () => {
    await store?.close()
    await fs?.close()
  })

  it('without prove: records every good line enrolled', async () => {
    const r = await importTenants(store, `tenant,name,tags\n${A},a.onmicrosoft.com,x\n`, {
      keyPem: fs.keyPem,
      prove: false,
    })
    expect(r.refused).toEqual([])
    expect(r.imported.map((t) => [t.tenantId, t.state, t.tags])).toEqual([[A, 'enrolled', ['x']]])
  })

  it('with prove: a tenant the app can act in is enrolled; one where it cannot is imported no-access with the reason, not refused', async () => {
    const ok = fs.tenant('contoso')
    fs.register(ok)
    const none = fs.tenant('fabrikam')
    const csv = `tenant,name,tags\n${ok.snapshot.tenant.id},${ok.snapshot.tenant.name},\n${none.snapshot.tenant.id},${none.snapshot.tenant.name},\n`
    const r = await importTenants(store, csv, {
      keyPem: fs.keyPem,
      caPem: fs.sb.caPem,
      prove: true,
    })
    // Both lines were right: both are imported, the unreachable one as no-access (the CLI exits
    // 3 for it, a refusal by Microsoft 365); only a bad line is refused (exit 2).
    const states = new Map(r.imported.map((t) => [t.tenantId, t.state]))
    expect(states.get(ok.snapshot.tenant.id)).toBe('enrolled')
    expect(states.get(none.snapshot.tenant.id)).toBe('no-access')
    expect(r.refused).toEqual([])
    const t = await store.getFleetTenant(none.snapshot.tenant.id)
    expect(t?.state).toBe('no-access')
    expect(t?.lastErrorCode).toBe('PASSAGE_E_SIGNIN')
  }, 60_000)
})
