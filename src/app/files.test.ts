import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH, readJson } from './files.js'
import { loadPlan } from './plan-file.js'

const dir = mkdtempSync(join(tmpdir(), 'passage-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function failure(f: () => unknown) {
  try {
    f()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a PassageError')
}

describe('reading JSON files', () => {
  it('measures nesting outside strings, in one pass', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[{{{"}]}')).toBe(3)
    expect(jsonDepth('"\\"[[["')).toBe(0)
    expect(jsonDepth('[]')).toBe(1)
  })

  it('refuses a deeply nested plan with a coded error, not a crash of the schema', () => {
    const path = join(dir, 'deep.json')
    writeFileSync(path, `${'['.repeat(100_000)}${']'.repeat(100_000)}`)
    const e = failure(() => loadPlan(path))
    expect(e.code).toBe('PASSAGE_E_PLAN_INVALID')
    expect(e.message).toContain(`at most ${MAX_JSON_DEPTH}`)
  })

  it('refuses a file larger than the cap without reading it', () => {
    const path = join(dir, 'huge.json')
    writeFileSync(path, '')
    truncateSync(path, MAX_JSON_BYTES + 1)
    const e = failure(() => readJson(path, 'PASSAGE_E_SNAPSHOT_INVALID'))
    expect(e.code).toBe('PASSAGE_E_SNAPSHOT_INVALID')
    expect(e.message).toMatch(/up to 32 MB/)
  })
})
