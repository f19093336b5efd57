import { describe, expect, it } from 'vitest'
import { fail, ok, sandbox } from './test-helpers.js'

describe('licence gating', () => {
  it('makes Defender cmdlets unknown in an EOP-only tenant', () => {
    const { eop, p2, call, engine, caller } = sandbox()
    const f = fail(call(eop, 'Get-SafeLinksPolicy'))
    expect(f.exceptionType).toBe('System.Management.Automation.CommandNotFoundException')
    expect(f.text).toMatch(
      /^The term 'Get-SafeLinksPolicy' is not recognized as the name of a cmdlet/,
    )
    for (const c of [
      'Get-SafeAttachmentPolicy',
      'Get-AtpPolicyForO365',
      'Get-ATPProtectionPolicyRule',
    ])
      expect(fail(call(eop, c)).exceptionType).toMatch(/CommandNotFound/)
    const eopModule = engine.moduleFile(eop, caller(eop)).map((c) => c.name)
    expect(eopModule).not.toContain('Get-SafeLinksPolicy')
    expect(eopModule).toContain('Get-EOPProtectionPolicyRule')
    expect(engine.moduleFile(p2, caller(p2)).map((c) => c.name)).toContain('Set-SafeLinksPolicy')
    expect(fail(call(eop, 'Get-Mailboxx')).text).toMatch(
      /^The term 'Get-Mailboxx' is not recognized/,
    )
  })

  it('hides Defender-only parameters of shared cmdlets without Defender', () => {
    const { eop, p2, call } = sandbox()
    expect(
      fail(
        call(eop, 'Set-AntiPhishPolicy', {
          Identity: 'Office365 AntiPhish Default',
          PhishThresholdLevel: 2,
        }),
      ).text,
    ).toBe("A parameter cannot be found that matches parameter name 'PhishThresholdLevel'.")
    ok(
      call(p2, 'Set-AntiPhishPolicy', {
        Identity: 'Office365 AntiPhish Default',
        PhishThresholdLevel: 2,
      }),
    )
    ok(
      call(eop, 'Set-AntiPhishPolicy', {
        Identity: 'Office365 AntiPhish Default',
        HonorDmarcPolicy: false,
      }),
    )
  })

  it('reads and writes Safe Links and Safe Attachments with Defender', () => {
    const { p2, call } = sandbox()
    const policies = ok(call(p2, 'Get-SafeLinksPolicy'))
    const custom = policies.find((p) => p.IsBuiltInProtection === false)
    expect(custom).toBeDefined()
    ok(
      call(p2, 'Set-SafeLinksPolicy', {
        Identity: custom?.Name,
        DoNotRewriteUrls: { Add: ['vendor.example/*', '*.vendor.example/*'] },
      }),
    )
    expect(
      fail(
        call(p2, 'Set-SafeLinksPolicy', {
          Identity: custom?.Name,
          DoNotRewriteUrls: { Add: ['*.*.*.*'] },
        }),
      ).text,
    ).toMatch(/three wildcards/)
    expect(
      fail(
        call(p2, 'Set-SafeLinksPolicy', {
          Identity: 'Built-In Protection Policy',
          TrackClicks: false,
        }),
      ).text,
    ).toMatch(/Built-in protection policy and can't be modified/)
    expect(ok(call(p2, 'Get-SafeLinksRule')).length).toBeGreaterThan(0)
    const sa = ok(call(p2, 'Get-SafeAttachmentPolicy')).find((p) => p.IsBuiltInProtection === false)
    expect(
      fail(
        call(p2, 'Set-SafeAttachmentPolicy', {
          Identity: sa?.Name,
          Redirect: true,
          Action: 'Block',
        }),
      ).text,
    ).toMatch(/only when Action is Allow/)
    ok(
      call(p2, 'Set-SafeAttachmentPolicy', {
        Identity: sa?.Name,
        Action: 'Allow',
        Redirect: true,
        RedirectAddress: 'soc@contoso.com',
      }),
    )
    expect(ok(call(p2, 'Get-AtpPolicyForO365'))[0]).toMatchObject({
      Identity: 'Default',
      EnableSafeDocs: true,
    })
    ok(call(p2, 'Set-AtpPolicyForO365', { Identity: 'Default', AllowSafeDocsOpen: true }))
    expect(ok(call(p2, 'Get-ATPProtectionPolicyRule'))[0]).toMatchObject({
      Preset: 'Standard',
      Kind: 'ATP',
    })
  })
})
