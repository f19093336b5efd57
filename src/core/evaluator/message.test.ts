import { describe, expect, it } from 'vitest'
import { isPassageError } from '../errors/passage-error.js'
import { evaluate, parseTestMessage } from './evaluate.js'
import { makeMessage, makeSnapshot } from './test-fixtures.js'

const valid = {
  connectingIp: '203.0.113.10',
  mailFrom: 'Bounce@Mail.Contoso.com',
  headerFrom: 'news@contoso.com',
  auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass' },
  recipients: ['Alice@Fabrikam.com'],
}

describe('TestMessage', () => {
  it('parses a minimal message with defaults, lower-casing addresses', () => {
    const m = parseTestMessage(valid)
    expect(m).toMatchObject({
      mailFrom: 'bounce@mail.contoso.com',
      recipients: ['alice@fabrikam.com'],
      dkimDomain: null,
      urls: [],
      detections: [],
      direction: 'inbound',
      userSafeSenders: {},
    })
  })

  it('accepts detections as kinds or objects', () => {
    const m = parseTestMessage({ ...valid, detections: ['spam', { kind: 'bulk', bcl: 7 }] })
    expect(m.detections).toEqual([{ kind: 'spam' }, { kind: 'bulk', bcl: 7 }])
  })

  it.each([
    [{ connectingIp: '203.0.113.0/24' }, 'connectingIp'],
    [{ connectingIp: 'mail.contoso.com' }, 'connectingIp'],
    [{ recipients: [] }, 'recipients'],
    [{ headerFrom: 'not-an-address' }, 'headerFrom'],
    [{ detections: ['bulk'] }, 'detections'],
    [{ detections: [{ kind: 'bulk', bcl: 12 }] }, 'detections'],
    [{ auth: { spf: 'maybe', dkim: 'pass', dmarc: 'pass' } }, 'auth.spf'],
  ])('refuses %j with PASSAGE_E_INPUT naming %s', (over, path) => {
    try {
      parseTestMessage({ ...valid, ...over })
      expect.unreachable()
    } catch (e) {
      expect(isPassageError(e, 'PASSAGE_E_INPUT')).toBe(true)
      expect((e as Error).message).toContain(path)
    }
  })

  it('evaluate refuses a bad "now"', () => {
    expect(() => evaluate(makeSnapshot(), makeMessage(), { now: 'yesterday' })).toThrow(
      /not an ISO date/,
    )
  })
})
