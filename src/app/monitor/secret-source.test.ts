import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isPassageError } from '../../core/errors/index.js'
import { readSecret } from './secret-source.js'

const dir = mkdtempSync(join(tmpdir(), 'passage-secret-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const refusal = (f: () => unknown) => {
  try {
    f()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a refusal')
}

describe('readSecret: a channel secret comes from the environment or a file, never the store', () => {
  it('reads the environment variable named, or the file named (trimmed)', () => {
    expect(readSecret({ env: 'HOOK' }, 'webhook secret', { HOOK: 's3cret' })).toBe('s3cret')
    writeFileSync(join(dir, 'hook'), 'from-file\n', { mode: 0o600 })
    expect(readSecret({ file: join(dir, 'hook') }, 'webhook secret', {})).toBe('from-file')
  })

  it('refuses (PASSAGE_E_INPUT) an unset variable, an empty or missing file, or no source, naming the source only', () => {
    const unset = refusal(() => readSecret({ env: 'HOOK' }, 'webhook secret', {}))
    expect(unset.code).toBe('PASSAGE_E_INPUT')
    expect(unset.message).toBe('webhook secret: the environment variable HOOK is not set.')
    writeFileSync(join(dir, 'empty'), '\n')
    expect(refusal(() => readSecret({ file: join(dir, 'empty') }, 'x', {})).message).toContain(
      'is empty',
    )
    expect(refusal(() => readSecret({ file: join(dir, 'none') }, 'x', {})).code).toBe(
      'PASSAGE_E_INPUT',
    )
    expect(refusal(() => readSecret({}, 'x', {})).code).toBe('PASSAGE_E_INPUT')
  })
})
