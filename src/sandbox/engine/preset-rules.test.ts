import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

// Set-EOPProtectionPolicyRule.md / Set-ATPProtectionPolicyRule.md (office-docs-powershell): a
// recipient list replaces the rule's list, $null clears it; the ATP cmdlet needs Defender.
const STANDARD = 'Standard Preset Security Policy'

describe('Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule', () => {
  it('replaces an exception list whole, and clears it with null', () => {
    const { p2, call } = sandbox()
    ok(
      call(p2, 'Set-EOPProtectionPolicyRule', {
        Identity: STANDARD,
        ExceptIfSentToMemberOf: ['finance@contoso.com'],
      }),
    )
    const [rule] = ok(call(p2, 'Get-EOPProtectionPolicyRule', { Identity: STANDARD }))
    expect(rule?.ExceptIfSentToMemberOf).toEqual(['finance@contoso.com'])
    // Only the rule named changes: the Defender rule of the same preset keeps its scope.
    const [atp] = ok(call(p2, 'Get-ATPProtectionPolicyRule', { Identity: STANDARD }))
    expect(atp?.ExceptIfSentToMemberOf).toEqual([])
    ok(
      call(p2, 'Set-EOPProtectionPolicyRule', { Identity: STANDARD, ExceptIfSentToMemberOf: null }),
    )
    const [cleared] = ok(call(p2, 'Get-EOPProtectionPolicyRule', { Identity: STANDARD }))
    expect(cleared?.ExceptIfSentToMemberOf).toEqual([])
  })

  it('refuses a rule that does not exist, with Exchange’s not-found error', () => {
    const { p2, call } = sandbox()
    const f = fail(
      call(p2, 'Set-EOPProtectionPolicyRule', { Identity: 'No Such Rule', ExceptIfSentTo: null }),
    )
    expect(f.exceptionType).toMatch(/ManagementObjectNotFoundException/)
  })

  it('refuses a group or recipient that does not resolve, and a domain the organisation does not have', () => {
    const { p2, call } = sandbox()
    const group = fail(
      call(p2, 'Set-ATPProtectionPolicyRule', {
        Identity: STANDARD,
        ExceptIfSentToMemberOf: ['nobody@contoso.com'],
      }),
    )
    expect(group.text).toMatch(/Couldn't find object "nobody@contoso.com"/)
    const user = fail(
      call(p2, 'Set-ATPProtectionPolicyRule', {
        Identity: STANDARD,
        ExceptIfSentTo: ['someone@fabrikam.example'],
      }),
    )
    expect(user.text).toMatch(/Couldn't find object/)
    const domain = fail(
      call(p2, 'Set-EOPProtectionPolicyRule', {
        Identity: STANDARD,
        ExceptIfRecipientDomainIs: ['fabrikam.example'],
      }),
    )
    expect(domain.text).toMatch(/isn't an accepted domain/)
  })

  it('keeps the default Priority: any other is refused', () => {
    const { p2, call } = sandbox()
    const f = fail(call(p2, 'Set-EOPProtectionPolicyRule', { Identity: STANDARD, Priority: 0 }))
    expect(f.text).toMatch(/must be its default value, 1/)
    ok(call(p2, 'Set-EOPProtectionPolicyRule', { Identity: STANDARD, Priority: 1 }))
  })

  it('knows the ATP cmdlet only with Defender for Office 365', () => {
    const { eop, call } = sandbox()
    const f = fail(call(eop, 'Set-ATPProtectionPolicyRule', { Identity: STANDARD }))
    expect(f.text).toMatch(/not recognized|not found|isn't recognized/i)
  })

  it('lets Security Administrators write, not Security Readers', () => {
    const { p2, call } = sandbox()
    ok(
      call(
        p2,
        'Set-EOPProtectionPolicyRule',
        { Identity: STANDARD, ExceptIfSentToMemberOf: ['finance@contoso.com'] },
        'security',
      ),
    )
    const f = fail(
      call(
        p2,
        'Set-EOPProtectionPolicyRule',
        { Identity: STANDARD, ExceptIfSentTo: null },
        'reader',
      ),
    )
    // The sandbox refuses a write the role lacks with 401, as for the other cmdlets (rbac.test.ts).
    expect(f.status).toBe(401)
  })
})
