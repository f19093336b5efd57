import { describe, expect, it } from 'vitest'
import { alertOf, alertSubject, alertText } from './alert.js'
import type { Classification } from './classify.js'

const WHO = {
  tenantId: 't1',
  tenantName: 'contoso.onmicrosoft.com',
  vendor: 'contactmonkey',
  vendorName: 'ContactMonkey',
}
const AT = '2026-12-05T06:00:00.000Z'

const drifted: Classification = {
  state: 'drifted',
  explanation:
    'What passage set was changed outside passage on 2026-12-04: IPAllowList lacks 1.2.3.4.',
  fix: 'Re-apply.',
  reasons: ['IPAllowList lacks 1.2.3.4: changed outside passage on 2026-12-04.'],
  fingerprint: 'f1',
}
const green: Classification = {
  state: 'green',
  explanation: 'What passage set for ContactMonkey in contoso.onmicrosoft.com is in effect.',
  fix: 'Nothing to do.',
  reasons: [],
  fingerprint: 'g',
}

describe('alerts', () => {
  it('a drift alert carries the explanation, the fix and the state before', () => {
    const a = alertOf(drifted, WHO, { previousState: 'green' }, AT)
    expect(a).toMatchObject({ kind: 'drifted', previousState: 'green', fix: 'Re-apply.' })
    expect(alertSubject(a)).toBe('[passage] ContactMonkey in contoso.onmicrosoft.com: drifted')
    expect(alertText(a).split('\n')).toEqual([
      drifted.explanation,
      '',
      'What to do: Re-apply.',
      '',
      'Details:',
      `- ${drifted.reasons[0]}`,
      '',
      'Tenant: contoso.onmicrosoft.com (t1)',
      'Vendor: ContactMonkey',
      `State: green -> drifted, at ${AT}`,
    ])
  })

  it('back to green is "resolved" and says what it was', () => {
    const a = alertOf(green, WHO, { previousState: 'drifted' }, AT)
    expect(a.kind).toBe('resolved')
    expect(a.explanation).toBe(`Resolved: ${green.explanation} (it was drifted.)`)
    expect(alertSubject(a)).toBe('[passage] ContactMonkey in contoso.onmicrosoft.com: resolved')
  })
})
