import { describe, expect, it } from 'vitest'
import { PassageError } from '../../core/errors/index.js'
import { listedNames, newFleetPlanId, pollThroughLoss, validatePlanRequest } from './orchestrate.js'

describe('fleet orchestration: selectors and requests', () => {
  it('lists the names of a comma list or a file, lower-cased, once each; all and tag: list none', () => {
    expect(listedNames('all')).toBeNull()
    expect(listedNames('tag:pilot')).toBeNull()
    expect(listedNames(' A.onmicrosoft.com, b.onmicrosoft.com ,a.onmicrosoft.com,')).toEqual([
      'a.onmicrosoft.com',
      'b.onmicrosoft.com',
    ])
    const file =
      '# customers\nA.onmicrosoft.com\n\n  1b6f0b0e-0000-4000-8000-000000000001  # guid\r\n'
    expect(listedNames('file:list.txt', () => file)).toEqual([
      'a.onmicrosoft.com',
      '1b6f0b0e-0000-4000-8000-000000000001',
    ])
  })

  it('refuses an unreadable tenant list as a user error', () => {
    expect(() => listedNames('file:/nonexistent/passage-tenants.txt')).toThrow(
      expect.objectContaining({ code: 'PASSAGE_E_INPUT' }),
    )
  })

  it('refuses a vendor, parameter, mode or protection typo before any job', () => {
    const ok = {
      vendor: 'knowbe4',
      params: { simulationDomains: 'mail.vendor-sample.com' },
      mode: 'recommended' as const,
    }
    expect(() => validatePlanRequest(ok)).not.toThrow()
    expect(() => validatePlanRequest({ ...ok, params: {} })).toThrow(/simulationDomains/)
    expect(() => validatePlanRequest({ ...ok, vendor: 'knowbe5' })).toThrow(
      expect.objectContaining({ kind: 'user' }),
    )
    expect(() => validatePlanRequest({ ...ok, mode: 'fastest' as unknown as 'recipe' })).toThrow(
      /recommended or recipe/,
    )
    expect(() => validatePlanRequest({ ...ok, protections: ['safe-linkz'] })).toThrow(
      expect.objectContaining({ code: 'PASSAGE_E_PROTECTION_UNKNOWN' }),
    )
  })

  it('names fleet plans fp- and 8 hex digits, different each time', () => {
    const a = newFleetPlanId()
    expect(a).toMatch(/^fp-[0-9a-f]{8}$/)
    expect(newFleetPlanId()).not.toBe(a)
  })
})

describe('a fleet wait through a lost database', () => {
  const lost = () => Promise.reject(new PassageError('PASSAGE_E_STORE_IO', 'lost the database'))

  it('reads again (null) while the database is lost, and forgets the loss once it answers', async () => {
    const loss = { since: null as number | null }
    expect(await pollThroughLoss(loss, lost)).toBeNull()
    expect(loss.since).not.toBeNull()
    expect(await pollThroughLoss(loss, () => Promise.resolve(7))).toBe(7)
    expect(loss.since).toBeNull()
  })

  it('gives up after a minute of loss, and never hides another error', async () => {
    const loss = { since: Date.now() - 61_000 }
    await expect(pollThroughLoss(loss, lost)).rejects.toMatchObject({ code: 'PASSAGE_E_STORE_IO' })
    await expect(
      pollThroughLoss({ since: null }, () =>
        Promise.reject(new PassageError('PASSAGE_E_INTERNAL', 'a bug')),
      ),
    ).rejects.toMatchObject({ code: 'PASSAGE_E_INTERNAL' })
  })

  it('a job the queue could not send for a lost database is a loss too; for another reason it is not', async () => {
    const unsent = (cause: unknown) => () =>
      Promise.reject(new PassageError('PASSAGE_E_FLEET_QUEUE', 'The job queue failed.', { cause }))
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })
    expect(await pollThroughLoss({ since: null }, unsent(epipe))).toBeNull()
    await expect(
      pollThroughLoss({ since: null }, unsent(new Error('queue passage-apply does not exist'))),
    ).rejects.toMatchObject({ code: 'PASSAGE_E_FLEET_QUEUE' })
  })
})
