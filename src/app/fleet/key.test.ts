import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PassageError } from '../../core/errors/index.js'
import { fleetKey } from './key.js'

const dir = mkdtempSync(join(tmpdir(), 'passage-fleet-key-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const pem = (tag: string) => `-----BEGIN PRIVATE KEY-----\nMII${tag}\n-----END PRIVATE KEY-----`
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text, { mode: 0o600 })
  return p
}
const failure = (f: () => unknown): PassageError => {
  try {
    f()
  } catch (e) {
    if (e instanceof PassageError) return e
    throw e
  }
  throw new Error('expected a failure')
}

describe('fleetKey', () => {
  it('takes --key first, then PASSAGE_FLEET_KEY_FILE, then PASSAGE_FLEET_KEY', () => {
    const a = file('a.pem', pem('AAA'))
    const b = file('b.pem', pem('BBB'))
    const env = { PASSAGE_FLEET_KEY_FILE: b, PASSAGE_FLEET_KEY: pem('CCC') }
    expect(fleetKey({ keyFile: a, env })).toContain('MIIAAA')
    expect(fleetKey({ env })).toContain('MIIBBB')
    expect(fleetKey({ env: { PASSAGE_FLEET_KEY: pem('CCC') } })).toContain('MIICCC')
  })

  it('accepts a PEM given on one line with \\n escapes (a CI secret) and keeps only the key block', () => {
    const key = fleetKey({
      env: { PASSAGE_FLEET_KEY: `junk ${pem('DDD').replace(/\n/g, '\\n')} tail` },
    })
    expect(key).toBe(`${pem('DDD')}\n`)
  })

  it('none given: PASSAGE_E_FLEET_KEY', () => {
    expect(failure(() => fleetKey({ env: {} })).code).toBe('PASSAGE_E_FLEET_KEY')
    expect(failure(() => fleetKey({ env: { PASSAGE_FLEET_KEY: '  ' } })).code).toBe(
      'PASSAGE_E_FLEET_KEY',
    )
  })

  it('a missing file or one holding no key: PASSAGE_E_FLEET_KEY naming the file, never its content', () => {
    const missing = failure(() => fleetKey({ keyFile: join(dir, 'nope.pem'), env: {} }))
    expect(missing.code).toBe('PASSAGE_E_FLEET_KEY')
    expect(missing.message).toContain('nope.pem')
    const cert = file(
      'cert.pem',
      '-----BEGIN CERTIFICATE-----\nsecret-looking-text\n-----END CERTIFICATE-----',
    )
    const e = failure(() => fleetKey({ env: { PASSAGE_FLEET_KEY_FILE: cert } }))
    expect(e.code).toBe('PASSAGE_E_FLEET_KEY')
    expect(e.message).toContain('PASSAGE_FLEET_KEY_FILE')
    expect(e.message).not.toContain('secret-looking-text')
  })
})
