import { describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { findVendor, getVendorFast, loadCatalogFast } from './built.js'
import { getVendor, loadCatalog } from './load.js'

/** The PassageError a promise rejects with, or a thrown one. */
async function rejection(f: () => unknown): Promise<unknown> {
  try {
    await f()
  } catch (e) {
    if (isPassageError(e)) return e.toJSON()
    throw e
  }
  throw new Error('expected a PassageError')
}

// Running from the sources there is no built JSON: the fast loader falls back to the YAML loader,
// and must answer exactly as it does (the built JSON is that loader's output, written at build).
describe('the fast catalog loader', () => {
  it('returns the catalog loadCatalog() returns, as fresh copies', async () => {
    const a = await loadCatalogFast()
    expect(a).toEqual(loadCatalog())
    a[0]!.name = 'changed'
    expect((await loadCatalogFast())[0]!.name).not.toBe('changed')
  })

  it('finds a vendor as getVendor() does, case-insensitively', async () => {
    expect(await getVendorFast(' KnowBe4 ')).toEqual(getVendor('knowbe4'))
  })

  it('refuses an unknown vendor with the same error and suggestion', async () => {
    for (const id of ['knowb', 'contact', 'zzz', ''])
      expect(await rejection(() => getVendorFast(id))).toEqual(await rejection(() => getVendor(id)))
    expect(await rejection(() => findVendor(loadCatalog(), 'hoxhun'))).toMatchObject({
      code: 'PASSAGE_E_VENDOR_UNKNOWN',
      details: { suggestion: 'hoxhunt' },
    })
  })
})

describe('an unknown vendor id', () => {
  const refused = (id: string) => {
    try {
      findVendor(loadCatalog(), id)
    } catch (e) {
      if (isPassageError(e)) return e
      throw e
    }
    throw new Error('expected a refusal')
  }

  it('is quoted as parameter validation quotes a value: 60 characters and its length', () => {
    const e = refused('y'.repeat(5000))
    const quoted = `${'y'.repeat(60)}… (5000 characters)`
    expect(e.message).toBe(`There is no vendor '${quoted}' in the catalog.`)
    expect(e.details).toMatchObject({ id: quoted })
    expect(JSON.stringify(e.toJSON()).length).toBeLessThan(1024)
  })

  it('gets a suggestion only when one is close to what was typed', () => {
    expect(refused('knowbe5').details).toMatchObject({ suggestion: 'knowbe4' })
    expect(refused('proofpoint').details).toMatchObject({
      suggestion: 'proofpoint-security-awareness',
    })
    for (const far of ['zzzz', 'x', 'mailchimp', 'q'.repeat(5000)]) {
      const e = refused(far)
      expect(e.details?.suggestion, far).toBeUndefined()
      expect(e.hint, far).not.toContain('Did you mean')
    }
  })
})
