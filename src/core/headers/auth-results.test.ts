import { describe, expect, it } from 'vitest'
import { decodeAuthResults, dmarcActionMeaning } from './auth-results.js'

describe('decodeAuthResults', () => {
  it('decodes the EOP form, including the receiving-domain fragments', () => {
    const a = decodeAuthResults(
      'spf=pass (sender IP is 198.51.100.25) smtp.mailfrom=bounce.example.com; dkim=pass (signature was verified) header.d=example.com;dkim=fail (body hash did not verify) header.d=esp.example;fabrikam.com; dmarc=pass action=none header.from=example.com;compauth=pass reason=100',
    )
    expect(a).toMatchObject({
      spf: 'pass',
      dkim: 'pass',
      dmarc: 'pass',
      dmarcAction: 'none',
      compauth: 'pass',
      reason: '100',
      mailFrom: 'bounce.example.com',
      headerFrom: 'example.com',
      dkimDomains: ['example.com', 'esp.example'],
      microsoft: true,
      renamed: false,
    })
    expect(a.reasonMeaning).toMatch(/aligned/)
    expect(a.methods.find((m) => m.method === 'spf')?.comment).toBe('sender IP is 198.51.100.25')
  })

  it.each([
    ['fail', 'oreject', 'fail', '000'],
    ['fail', 'pct.quarantine', 'fail', '000'],
    ['fail', 'pct.reject', 'fail', '000'],
    ['bestguesspass', 'none', 'pass', '109'],
    ['none', 'none', 'fail', '001'],
    ['temperror', 'temperror', 'pass', '111'],
    ['permerror', 'permerror', 'softpass', '201'],
  ])('dmarc=%s action=%s compauth=%s reason=%s', (dmarc, action, compauth, reason) => {
    const a = decodeAuthResults(
      `spf=none (sender IP is 192.0.2.1) smtp.mailfrom=x.example; dkim=none (message not signed) header.d=none;dmarc=${dmarc} action=${action} header.from=x.example;compauth=${compauth} reason=${reason}`,
    )
    expect([a.dmarc, a.dmarcAction, a.compauth, a.reason]).toEqual([
      dmarc,
      action,
      compauth,
      reason,
    ])
    expect(a.reasonMeaning).not.toBeNull()
    expect(dmarcActionMeaning(action)).not.toMatch(/unknown/)
  })

  it('reads other receivers and renamed copies without compauth', () => {
    const g = decodeAuthResults(
      'mx.google.com; dkim=pass header.i=@example.com header.s=s1 header.b=abc; spf=pass (google.com: domain of a@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=a@example.com; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com',
      'Authentication-Results',
    )
    expect(g.microsoft).toBe(false)
    expect(g.spf).toBe('pass')
    expect(g.dmarc).toBe('pass')
    expect(g.compauth).toBeNull()
    expect(decodeAuthResults('spf=pass', 'Authentication-Results-Original').renamed).toBe(true)
  })

  it('explains oreject', () => {
    expect(dmarcActionMeaning('oreject')).toMatch(/p=reject.*delivered.*Junk/)
  })
})
