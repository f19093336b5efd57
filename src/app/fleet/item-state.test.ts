import { describe, expect, it } from 'vitest'
import { PassageError, type ErrorCode } from '../../core/errors/index.js'
import { classifyFailure, MAX_ITEM_MESSAGE, safeMessage } from './item-state.js'

const of = (code: ErrorCode, message = 'x') => classifyFailure(new PassageError(code, message))

describe('classifyFailure', () => {
  it('sign-in, consent and role refusals are no-access (the customer must act; not retried)', () => {
    for (const code of [
      'PASSAGE_E_SIGNIN',
      'PASSAGE_E_EXO_ROLE_MISSING',
      'PASSAGE_E_EXO_API_DISABLED',
      'PASSAGE_E_FLEET_CONSENT',
    ] as const)
      expect(of(code).outcome, code).toBe('no-access')
  })

  it('throttling, unavailable services, the network and a held lease are retried', () => {
    for (const code of [
      'PASSAGE_E_THROTTLED',
      'PASSAGE_E_NETWORK',
      'PASSAGE_E_EXO_FAILED',
      'PASSAGE_E_GRAPH_FAILED',
      'PASSAGE_E_LEASE_HELD',
    ] as const)
      expect(of(code).outcome, code).toBe('retry')
  })

  it('user-kind errors (the input, the plan, the guard) are refused', () => {
    for (const code of [
      'PASSAGE_E_PLAN_DRIFT',
      'PASSAGE_E_NOTHING_TO_PLAN',
      'PASSAGE_E_REFUSED_UNSAFE',
    ] as const)
      expect(of(code).outcome, code).toBe('refused')
  })

  it('other remote failures and bugs fail for good, keeping their code', () => {
    expect(of('PASSAGE_E_EXO_VALIDATION')).toMatchObject({
      outcome: 'failed',
      code: 'PASSAGE_E_EXO_VALIDATION',
    })
    expect(of('PASSAGE_E_STORE_CORRUPT')).toMatchObject({
      outcome: 'failed',
      code: 'PASSAGE_E_STORE_CORRUPT',
    })
    const bug = classifyFailure(new TypeError('x is undefined'))
    expect(bug).toMatchObject({ outcome: 'failed', code: 'PASSAGE_E_INTERNAL' })
    expect(bug.message).toBe('TypeError: x is undefined')
  })

  it('messages are stored without tokens or keys, and bounded', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMiLCJ0aWQiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl'
    const m = of('PASSAGE_E_SIGNIN', `refused Bearer ${jwt}`).message
    expect(m).not.toContain(jwt)
    const key = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----'
    expect(safeMessage(`oops ${key}`)).not.toContain('MIIEvQIBADANBg')
    expect(safeMessage('a'.repeat(5000))).toHaveLength(MAX_ITEM_MESSAGE)
  })
})
