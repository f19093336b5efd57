import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isPassageError } from '../../src/core/errors/index.js'
import { openState, stateKind } from '../../src/sandbox/state/index.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = () => tempDir('passage-state-')

describe('sandbox state', () => {
  it.each(['world.json', 'world.db'])('%s: creates from the seed, saves and reloads', (name) => {
    const file = join(dir(), name)
    const a = openState(file)
    expect(a.created).toBe(true)
    const w = a.load()
    expect(existsSync(file)).toBe(true)
    expect(existsSync(`${file}.d`)).toBe(true)
    expect(w.tenants.length).toBe(3)
    w.tenants[0]!.snapshot.tenant.displayName = 'Renamed in the sandbox'
    a.save(w)
    a.close()
    const b = openState(file)
    expect(b.created).toBe(false)
    const again = b.load()
    expect(again.tenants[0]!.snapshot.tenant.displayName).toBe('Renamed in the sandbox')
    expect(again).toEqual(w)
    b.close()
  })

  it('writes JSON atomically (no temporary files left behind)', () => {
    const d = dir()
    const s = openState(join(d, 'w.json'))
    const w = s.load()
    for (let i = 0; i < 5; i++) s.save(w)
    expect(readdirSync(d).sort()).toEqual(['w.json', 'w.json.d'])
  })

  it('refuses unknown extensions and broken files with PASSAGE_E_SANDBOX_STATE', () => {
    expect(() => stateKind('x.txt')).toThrow(/\.json/)
    const d = dir()
    const bad = join(d, 'bad.json')
    writeFileSync(bad, '{not json')
    let caught: unknown
    try {
      openState(bad).load()
    } catch (e) {
      caught = e
    }
    expect(isPassageError(caught, 'PASSAGE_E_SANDBOX_STATE')).toBe(true)
    const wrong = join(d, 'wrong.json')
    writeFileSync(wrong, JSON.stringify({ format: 'something else' }))
    expect(() => openState(wrong).load()).toThrow()
    const notDb = join(d, 'x.db')
    writeFileSync(notDb, 'this is not sqlite at all, just text that is long enough to fail')
    expect(() => openState(notDb).load()).toThrow(/SQLite|sandbox/)
  })

  it('keeps the world in memory without a file', () => {
    const s = openState(null)
    expect(s.kind).toBe('memory')
    expect(s.dir).toBeNull()
    expect(s.load()).toBe(s.load())
  })
})
