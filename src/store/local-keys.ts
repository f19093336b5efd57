import { randomBytes } from 'node:crypto'
import type { StoreContext } from './context.js'

/** Keys this installation makes for itself (e.g. to sign the plans it writes). */
export interface LocalKeyStore {
  /**
   * The key of that name (32 random bytes), made on first use and the same ever after. Two
   * processes asking at once get the same key: the first insert wins.
   */
  localKey(name: string): Promise<Uint8Array>
}

/** The local keys module of a store. */
export function localKeyStore(ctx: StoreContext): LocalKeyStore {
  const { db } = ctx
  const read = async (name: string) =>
    db.selectFrom('local_keys').select('key_hex').where('name', '=', name).executeTakeFirst()
  return {
    async localKey(name) {
      let row = await read(name)
      if (!row) {
        await db
          .insertInto('local_keys')
          .values({ name, key_hex: randomBytes(32).toString('hex'), created_at: ctx.now() })
          .onConflict((oc) => oc.column('name').doNothing())
          .execute()
        row = await read(name)
      }
      if (!row) throw new Error(`local key ${name} could not be made`)
      return Uint8Array.from(Buffer.from(row.key_hex, 'hex'))
    },
  }
}
