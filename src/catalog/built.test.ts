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
