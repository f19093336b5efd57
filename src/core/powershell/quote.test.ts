import { describe, expect, it } from 'vitest'
import { hashtable, SWITCH, utcDate } from '../cmdlet.js'
import { psParam, psString } from './quote.js'
import { renderCall } from './render.js'

describe('PowerShell quoting', () => {
  it('doubles single quotes, including typographic ones', () => {
    expect(psString("O'Brien")).toBe("'O''Brien'")
    expect(psString('it’s')).toBe("'it’’s'")
    expect(psString('$(rm -rf /)')).toBe("'$(rm -rf /)'")
  })

  it('renders each kind of value', () => {
    expect(psParam('Enabled', true)).toBe('-Enabled $true')
    expect(psParam('StopRuleProcessing', false)).toBe('-StopRuleProcessing $false')
    expect(psParam('SetSCL', -1)).toBe('-SetSCL -1')
    expect(psParam('NoExpiration', SWITCH)).toBe('-NoExpiration')
    expect(psParam('SenderIpRanges', ['1.2.3.4', "a'b"])).toBe(
      "-SenderIpRanges @('1.2.3.4','a''b')",
    )
    expect(psParam('IPAllowList', hashtable(['1.2.3.4'], ['5.6.7.8']))).toBe(
      "-IPAllowList @{Add=@('1.2.3.4'); Remove=@('5.6.7.8')}",
    )
    expect(psParam('ExpirationDate', utcDate('2026-12-01T00:00:00Z'))).toBe(
      "-ExpirationDate '2026-12-01T00:00:00Z'",
    )
    expect(psParam('Comments', null)).toBe('-Comments $null')
  })

  it('renders a whole call', () => {
    expect(
      renderCall({ cmdlet: 'Remove-TransportRule', params: { Identity: "passage: Bob's rule" } }),
    ).toBe("Remove-TransportRule -Identity 'passage: Bob''s rule'")
  })
})
