/**
 * The behaviour register holds: every row traced to a source, its code and tests exist and a test
 * is named after it, every `ms-rule: <id>` cited in the code is a row, and the rendered document is
 * up to date.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { REGISTER } from '../src/core/behaviour/index.js'
import { renderRegister } from '../src/core/behaviour/render.js'

const root = join(import.meta.dirname, '..')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('the behaviour register', () => {
  it('has unique, well-formed ids, each with a dated source', () => {
    const ids = REGISTER.map((r) => r.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const r of REGISTER) {
      expect(r.id).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/)
      expect(r.sources.length, r.id).toBeGreaterThan(0)
      for (const s of r.sources) expect(s.read, r.id).toMatch(/^\d{4}-\d{2}-\d{2}$/)
      expect(r.rule.length, r.id).toBeGreaterThan(10)
    }
  })

  it('names code that exists and tests named after each row', () => {
    for (const r of REGISTER) {
      expect(r.code.length, r.id).toBeGreaterThan(0)
      for (const c of r.code) expect(existsSync(join(root, c)), `${r.id}: ${c}`).toBe(true)
      expect(r.tests.length, r.id).toBeGreaterThan(0)
      for (const t of r.tests) {
        expect(existsSync(join(root, t)), `${r.id}: ${t}`).toBe(true)
        const text = readFileSync(join(root, t), 'utf8')
        // A test (or describe) whose name starts with the row's id.
        expect(text.includes(`'${r.id}`) || text.includes(`\`${r.id}`), `${r.id} in ${t}`).toBe(
          true,
        )
      }
    }
  })

  it('has a row for every rule the code cites (ms-rule: <id>)', () => {
    const ids = new Set(REGISTER.map((r) => r.id))
    const cited = new Set<string>()
    for (const f of files(join(root, 'src')))
      for (const m of readFileSync(f, 'utf8').matchAll(/\bms-rule: ([a-z0-9]+(?:\.[a-z0-9-]+)+)/g))
        cited.add(m[1] as string)
    expect([...cited].filter((id) => !ids.has(id))).toEqual([])
  })

  it('is rendered to docs/microsoft-behaviour.md (npm run docs:behaviour)', () => {
    const doc = readFileSync(join(root, 'docs', 'microsoft-behaviour.md'), 'utf8')
    expect(doc).toBe(`${renderRegister(REGISTER)}\n`)
  })
})
