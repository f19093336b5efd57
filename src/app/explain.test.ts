import { describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { explain } from './explain.js'

function failure(f: () => unknown) {
  try {
    f()
  } catch (e) {
    if (isPassageError(e)) return e
    throw e
  }
  throw new Error('expected a PassageError')
}

describe('explain input', () => {
  it('refuses empty or non-header input as the user’s mistake', () => {
    expect(failure(() => explain('')).code).toBe('PASSAGE_E_INPUT')
    expect(failure(() => explain('hello world\nno headers here')).code).toBe('PASSAGE_E_INPUT')
    expect(explain('Subject: hi\nFrom: a@b.example\n').lines.length).toBeGreaterThan(0)
  })
})
