import { describe, expect, it } from 'vitest'
import { PassageError } from '../core/errors/index.js'
import { guardMethods, storeError } from './errors.js'

const driver = (code: string, message = 'boom') => Object.assign(new Error(message), { code })

describe('store errors', () => {
  it.each([
    ['SQLITE_BUSY', 'PASSAGE_E_STORE_LOCKED'],
    ['55P03', 'PASSAGE_E_STORE_LOCKED'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'PASSAGE_E_INTERNAL'],
    ['23505', 'PASSAGE_E_INTERNAL'],
    ['ECONNREFUSED', 'PASSAGE_E_STORE_IO'],
    ['57P01', 'PASSAGE_E_STORE_IO'],
    ['SQLITE_IOERR', 'PASSAGE_E_STORE_IO'],
  ])('a driver error %s becomes %s', (code, expected) => {
    const e = storeError(driver(code), 'store.x')
    expect(e.code).toBe(expected)
    expect(e.cause).toBeInstanceOf(Error)
  })

  it('lets PassageErrors through and wraps every method', async () => {
    const own = new PassageError('PASSAGE_E_STORE_SECRET', 'no')
    const o = guardMethods({
      a: async () => {
        throw own
      },
      b: async () => {
        throw driver('SQLITE_BUSY')
      },
      c: async (x: number) => x + 1,
    })
    await expect(o.a()).rejects.toBe(own)
    await expect(o.b()).rejects.toMatchObject({ code: 'PASSAGE_E_STORE_LOCKED' })
    expect(await o.c(1)).toBe(2)
  })
})
