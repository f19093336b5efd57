import { describe, expect, it } from 'vitest'
import { CmdletError } from './errors.js'
import { applyMvp, bindParams, P } from './params.js'

const specs = [
  P.str('Name', { mandatory: true }),
  P.int('Priority', { min: 0, max: 10 }),
  P.bool('Enabled'),
  P.sw('NoExpiration'),
  P.mvp('IPAllowList'),
  P.date('ExpirationDate'),
  P.enum('Mode', 'RuleMode', ['Audit', 'Enforce']),
]

function bindError(raw: Record<string, unknown>): string {
  try {
    bindParams(specs, raw)
  } catch (e) {
    if (e instanceof CmdletError) return e.text
    throw e
  }
  throw new Error('bound without error')
}

describe('parameter binding', () => {
  it('matches names case-insensitively and keeps the canonical spelling', () => {
    const p = bindParams(specs, { name: 'x', PRIORITY: '3', mode: 'audit' })
    expect(p.req('Name')).toBe('x')
    expect(p.int('Priority')).toBe(3)
    expect(p.str('Mode')).toBe('Audit')
  })

  it('refuses unknown parameters with PowerShell wording, and ignores common ones', () => {
    expect(bindError({ Name: 'x', Foo: 1 })).toBe(
      "A parameter cannot be found that matches parameter name 'Foo'.",
    )
    expect(() => bindParams(specs, { Name: 'x', ErrorAction: 'Stop' })).not.toThrow()
  })

  it('reports missing, null and empty mandatory parameters', () => {
    expect(bindError({})).toBe(
      'Cannot process command because of one or more missing mandatory parameters: Name.',
    )
    expect(bindError({ Name: null })).toBe(
      "Cannot bind argument to parameter 'Name' because it is null.",
    )
    expect(bindError({ Name: '' })).toBe(
      "Cannot bind argument to parameter 'Name' because it is an empty string.",
    )
  })

  it('converts types with PowerShell messages', () => {
    expect(bindError({ Name: 'x', Priority: 'high' })).toMatch(
      /^Cannot process argument transformation on parameter 'Priority'\. Cannot convert value "high" to type "System.Int32"/,
    )
    expect(bindError({ Name: 'x', Priority: 11 })).toMatch(
      /greater than the maximum allowed range of 10/,
    )
    expect(bindError({ Name: 'x', Enabled: 'yes' })).toMatch(
      /Boolean parameters accept only Boolean values/,
    )
    expect(bindError({ Name: 'x', Mode: 'Loud' })).toMatch(
      /Specify one of the following enumerator names and try again: Audit, Enforce/,
    )
    expect(bindError({ Name: 'x', ExpirationDate: 'soon' })).toMatch(/System.DateTime/)
    expect(bindError({ Name: 'x', IPAllowList: { Add: ['1.2.3.4'], Replace: [] } })).toMatch(
      /only 'Add' and 'Remove'/,
    )
  })

  it('takes switches as true or "true", and dates without a zone as UTC', () => {
    const p = bindParams(specs, {
      Name: 'x',
      NoExpiration: 'true',
      ExpirationDate: '2026-12-01T10:00:00',
    })
    expect(p.sw('NoExpiration')).toBe(true)
    expect(p.date('ExpirationDate')?.toISOString()).toBe('2026-12-01T10:00:00.000Z')
  })

  it('applies MultiValuedProperty values: replace, clear, Add/Remove', () => {
    const hash = bindParams(specs, {
      Name: 'x',
      IPAllowList: {
        '@odata.type': '#Exchange.GenericHashTable',
        Add: ['3.3.3.3', '1.1.1.1'],
        Remove: ['2.2.2.2'],
      },
    }).mvp('IPAllowList')
    expect(applyMvp(['1.1.1.1', '2.2.2.2'], hash)).toEqual(['1.1.1.1', '3.3.3.3'])
    expect(
      applyMvp(['1.1.1.1'], bindParams(specs, { Name: 'x', IPAllowList: null }).mvp('IPAllowList')),
    ).toEqual([])
    expect(
      applyMvp(
        ['1.1.1.1'],
        bindParams(specs, { Name: 'x', IPAllowList: '9.9.9.9' }).mvp('IPAllowList'),
      ),
    ).toEqual(['9.9.9.9'])
  })
})
