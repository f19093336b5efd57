import { describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { checkAccess, readOnlyRefusal, requireCmdlets } from './access.js'
import type { Session } from './session.js'

/** A session whose admin may run these cmdlets (EXOModuleFile's answer). */
const sessionWith = (cmdlets: string[]) =>
  ({
    actor: 'reader@contoso.onmicrosoft.com',
    exo: { availableCmdlets: () => Promise.resolve(cmdlets) },
  }) as unknown as Session

const READS = ['Get-TransportRule', 'Get-HostedContentFilterPolicy']
const SECURITY = [
  'Set-HostedConnectionFilterPolicy',
  'Set-HostedContentFilterPolicy',
  'New-TenantAllowBlockListItems',
  'Remove-TenantAllowBlockListItems',
]
const RULES = ['New-TransportRule', 'Set-TransportRule', 'Remove-TransportRule']

describe('checkAccess', () => {
  it('all for an Exchange Administrator, some for a Security Administrator, none for a reader', async () => {
    expect((await checkAccess(sessionWith([...READS, ...SECURITY, ...RULES]))).canChange).toBe(
      'all',
    )
    const sec = await checkAccess(sessionWith([...READS, ...SECURITY]))
    expect(sec).toMatchObject({ canChange: 'some', cannot: ['mail flow rules'] })
    expect((await checkAccess(sessionWith(READS))).canChange).toBe('none')
  })

  it('refuses a plan whose cmdlets the admin may not run, naming them, before any change', async () => {
    const e = await requireCmdlets(
      sessionWith([...READS, ...SECURITY]),
      ['New-TransportRule', 'Set-HostedContentFilterPolicy'],
      'this plan',
    ).catch((x: unknown) => x)
    expect(isPassageError(e, 'PASSAGE_E_EXO_ROLE_MISSING')).toBe(true)
    expect((e as Error).message).toContain('may not run New-TransportRule')
    expect((e as Error).message).toContain('nothing was changed')
    await expect(
      requireCmdlets(sessionWith(SECURITY), ['set-hostedcontentfilterpolicy'], 'this plan'),
    ).resolves.toBeUndefined()
  })

  it("a reader's refusal says what they can do and how to go on", () => {
    const e = readOnlyRefusal('reader@contoso.onmicrosoft.com', ['Security Reader'])
    expect(e.code).toBe('PASSAGE_E_EXO_ROLE_MISSING')
    expect(e.message).toMatch(/^reader@contoso\.onmicrosoft\.com \(Security Reader\) can read/)
    expect(e.hint).toContain('--read-only')
  })
})
