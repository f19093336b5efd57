import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

const names = (rules: Record<string, unknown>[]) =>
  rules.map((r) => `${String(r.Priority)}:${String(r.Name)}`)

describe('transport rules', () => {
  it('appends a new rule last and shifts the others when inserting at a priority', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-TransportRule', { Name: 'Last', SetSCL: -1, SenderIpRanges: ['192.0.2.10'] }))
    ok(call(eop, 'New-TransportRule', { Name: 'First', Priority: 0, SetSCL: -1 }))
    const rules = ok(call(eop, 'Get-TransportRule', { ResultSize: 'Unlimited' }))
    expect(names(rules)).toEqual([
      '0:First',
      '1:Block Executable Attachments',
      '2:External Sender Banner',
      '3:Legal Disclaimer - Outbound',
      '4:Last',
    ])
    expect(rules[0]?.State).toBe('Enabled')
    expect(rules[0]?.Identity).toBe('First')
  })

  it('moves a rule with Set -Priority and closes the gap on Remove', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'Set-TransportRule', { Identity: 'legal disclaimer - outbound', Priority: 0 }))
    expect(names(ok(call(eop, 'Get-TransportRule')))).toEqual([
      '0:Legal Disclaimer - Outbound',
      '1:Block Executable Attachments',
      '2:External Sender Banner',
    ])
    ok(call(eop, 'Remove-TransportRule', { Identity: 'Block Executable Attachments' }))
    expect(names(ok(call(eop, 'Get-TransportRule')))).toEqual([
      '0:Legal Disclaimer - Outbound',
      '1:External Sender Banner',
    ])
  })

  it('refuses a priority out of range for New (0..n) and Set (0..n-1)', () => {
    const { eop, call } = sandbox()
    expect(fail(call(eop, 'New-TransportRule', { Name: 'x', Priority: 4 })).text).toMatch(
      /maximum allowed range of 3/,
    )
    expect(
      fail(call(eop, 'Set-TransportRule', { Identity: 'External Sender Banner', Priority: 3 }))
        .text,
    ).toMatch(/maximum allowed range of 2/)
  })

  it('has -Enabled on New only; Enable-/Disable-TransportRule switch the state', () => {
    const { eop, call } = sandbox()
    ok(call(eop, 'New-TransportRule', { Name: 'Off', Enabled: false, SetSCL: 5 }))
    expect(ok(call(eop, 'Get-TransportRule', { Identity: 'Off' }))[0]?.State).toBe('Disabled')
    expect(fail(call(eop, 'Set-TransportRule', { Identity: 'Off', Enabled: true })).text).toBe(
      "A parameter cannot be found that matches parameter name 'Enabled'.",
    )
    ok(call(eop, 'Enable-TransportRule', { Identity: 'Off' }))
    expect(ok(call(eop, 'Get-TransportRule', { State: 'Enabled' })).map((r) => r.Name)).toContain(
      'Off',
    )
    ok(call(eop, 'Disable-TransportRule', { Identity: 'OFF' }))
    expect(ok(call(eop, 'Get-TransportRule', { State: 'Disabled' })).map((r) => r.Name)).toEqual([
      'Off',
    ])
  })

  it('refuses the 301st rule', () => {
    const { eop, call } = sandbox()
    const rules = eop.snapshot.state.transportRules
    const template = rules[0]
    if (!template) throw new Error('the seed has rules')
    for (let i = rules.length; i < 299; i++)
      rules.push({ ...structuredClone(template), Name: `r${i}`, Guid: null, Priority: i })
    ok(call(eop, 'New-TransportRule', { Name: 'three hundredth', SetSCL: 1 }))
    const f = fail(call(eop, 'New-TransportRule', { Name: 'one too many', SetSCL: 1 }))
    expect(f.text).toMatch(/maximum of 300 transport rules/)
    expect(eop.snapshot.state.transportRules).toHaveLength(300)
  })

  it('enforces name length, unique names, comments, paired parameters and the 8 KB rule size', () => {
    const { eop, call } = sandbox()
    expect(fail(call(eop, 'New-TransportRule', { Name: 'n'.repeat(65) })).text).toBe(
      'The length of the property is too long. The maximum length is 64 and the length of the value provided is 65.',
    )
    expect(
      fail(call(eop, 'New-TransportRule', { Name: 'external sender banner' })).exceptionType,
    ).toMatch(/AlreadyExists/)
    expect(
      fail(call(eop, 'New-TransportRule', { Name: 'h', SetHeaderName: 'X-ETR' })).text,
    ).toMatch(/SetHeaderName and SetHeaderValue parameters must be used together/)
    expect(
      fail(call(eop, 'New-TransportRule', { Name: 'c', Comments: 'c'.repeat(1025) })).text,
    ).toMatch(/1024/)
    const words = Array.from({ length: 90 }, (_, i) => `word-${i}-`.padEnd(100, 'x'))
    expect(
      fail(
        call(eop, 'New-TransportRule', {
          Name: 'big',
          HeaderContainsMessageHeader: 'Subject',
          HeaderContainsWords: words,
        }),
      ).text,
    ).toMatch(/limit is 8192/)
    expect(fail(call(eop, 'New-TransportRule', { Name: 's', SetSCL: 10 })).text).toMatch(
      /SCL value 10/,
    )
    expect(
      fail(call(eop, 'New-TransportRule', { Name: 'ip', SenderIpRanges: ['300.1.1.1'] })).text,
    ).toMatch(/isn't a valid IP address/)
  })

  it('accepts the conditions and actions passage writes', () => {
    const { eop, call } = sandbox()
    const rule = ok(
      call(eop, 'New-TransportRule', {
        Name: 'passage - Vendor SCL -1',
        Priority: 0,
        Mode: 'Enforce',
        Comments: 'managed-by=passage',
        SenderIpRanges: ['192.0.2.0/24', '198.51.100.1-198.51.100.20'],
        SenderDomainIs: ['vendor.example'],
        SenderAddressLocation: 'HeaderOrEnvelope',
        HeaderMatchesMessageHeader: 'Authentication-Results',
        HeaderMatchesPatterns: ['dmarc=(pass|bestguesspass)'],
        SetSCL: -1,
        SetHeaderName: 'X-ETR',
        SetHeaderValue: 'passage',
        StopRuleProcessing: true,
        Enabled: true,
      }),
    )[0]
    expect(rule).toMatchObject({
      Priority: 0,
      SetSCL: -1,
      SetHeaderName: 'X-ETR',
      StopRuleProcessing: true,
    })
    expect(eop.snapshot.state.transportRules.map((r) => r.Priority).sort()).toEqual([0, 1, 2, 3])
  })

  it('answers not-found with the Exchange error shape', () => {
    const { eop, call } = sandbox()
    const f = fail(call(eop, 'Remove-TransportRule', { Identity: 'nope' }))
    expect(f.exId).toBe('Ex6F9304')
    expect(f.exceptionType).toBe(
      'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    )
    expect(f.text).toMatch(
      /^The operation couldn't be performed because object 'nope' couldn't be found on '/,
    )
    expect(f.code).toBe('InternalServerError')
  })

  it('leaves the state unchanged when a write fails halfway', () => {
    const { eop, call } = sandbox()
    const before = structuredClone(eop.snapshot)
    // The rule is inserted (shifting priorities) before its IP ranges are found invalid.
    fail(call(eop, 'New-TransportRule', { Name: 'bad', Priority: 0, SenderIpRanges: ['nonsense'] }))
    fail(
      call(eop, 'Set-TransportRule', {
        Identity: 'External Sender Banner',
        Priority: 0,
        SetHeaderName: 'X-A',
      }),
    )
    expect(eop.snapshot).toEqual(before)
  })
})
