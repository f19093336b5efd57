import type { BehaviourRow } from './types.js'

const DD = 'MicrosoftDocs/defender-docs:defender-office-365/'
const PS = 'MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/'
const READ = '2026-12-06'
const FIDELITY = 'src/core/planner/fidelity.test.ts'

/** The planner behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'plan.preset.partial-coverage',
    area: 'planner',
    rule: 'A Standard or Strict preset that covers some recipients does not stop a policy-level change: it is planned for everyone else, and the plan names who stays unchanged (the preset wins for them and its settings cannot be changed); only a preset that covers every recipient with no exception refuses it.',
    sources: [{ page: `${DD}preset-security-policies.md`, read: READ }],
    code: [
      'src/core/mechanisms/preset-coverage.ts',
      'src/core/mechanisms/registry.ts',
      'src/core/mechanisms/helpers.ts',
      'src/core/planner/select.ts',
    ],
    tests: ['src/core/planner/plan.test.ts'],
  },
  {
    id: 'plan.preset.options',
    area: 'planner',
    rule: 'For recipients a preset covers, the plan offers what Microsoft allows, each a separate choice with its risk that passage does not make: taking them out of the preset (Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule with ExceptIfSentTo, ExceptIfSentToMemberOf or ExceptIfRecipientDomainIs, keeping the exceptions it has), and for impersonation trusting the vendor’s domains in the preset (portal only).',
    sources: [
      { page: `${DD}preset-security-policies.md`, read: READ },
      { page: `${PS}Set-EOPProtectionPolicyRule.md`, read: READ },
      { page: `${PS}Set-ATPProtectionPolicyRule.md`, read: READ },
    ],
    code: ['src/core/planner/presets.ts'],
    tests: ['src/core/planner/plan.test.ts'],
    disagreement:
      'preset-security-policies.md shows trusted senders and domains for impersonation only in the portal wizard and warns against changing a preset’s own policies in PowerShell; passage gives that option as a portal step only.',
  },
  {
    id: 'plan.preset.exception',
    area: 'planner',
    rule: 'Taking the recipients a preset covers out of it is a change passage plans only when the admin names the preset (never by the recommended or recipe mode), always high risk (they lose the preset’s protection for all their mail): Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule set the exception list whole, so the change keeps the exceptions the rule has and adds its own conditions of the same kind (the same filter as condition and exception takes the recipient out); apply refuses it when any condition or exception changed since the plan, and undo puts the previous lists back ($null for an empty one). Only the rule of the kind whose policies the plan changes is edited.',
    sources: [
      { page: `${PS}Set-EOPProtectionPolicyRule.md`, read: READ },
      { page: `${PS}Set-ATPProtectionPolicyRule.md`, read: READ },
      { page: `${DD}preset-security-policies.md`, read: READ },
    ],
    code: [
      'src/core/surfaces/preset-rule.ts',
      'src/core/mechanisms/preset-exception.ts',
      'src/core/planner/presets.ts',
      'src/core/planner/preset-guard.ts',
      'src/sandbox/engine/preset-rules.ts',
    ],
    tests: ['src/core/planner/preset-exception.test.ts', 'src/core/surfaces/preset-rule.test.ts'],
    disagreement:
      'The cmdlet pages describe the EOP and the Defender rule of a preset as separate rules with their own conditions and exceptions and say nothing about keeping them in step (nor whether the portal does); passage edits each rule the plan needs and the plan tells the admin to check both in the portal.',
  },
  {
    id: 'client.graph-group-members',
    area: 'client',
    rule: 'Discovery reads the members of each group a preset or policy is scoped by: the group by its mail address, then its transitiveMembers (nested groups flattened, groups themselves left out), $top 999, every @odata.nextLink followed; without GroupMember.Read.All it says the members are unknown rather than guessing. The sandbox pages members 100 by default, up to 999.',
    sources: [
      { page: 'https://learn.microsoft.com/graph/api/group-list-transitivemembers', read: READ },
      { page: 'https://learn.microsoft.com/graph/paging', read: READ },
    ],
    code: ['src/exchange/graph.ts', 'src/app/discover.ts', 'src/sandbox/graph/groups.ts'],
    tests: ['test/app/group-members.test.ts'],
  },
  {
    id: 'plan.notice.hc-phish-routing',
    area: 'planner',
    rule: 'Every plan says first what its allows can do with high-confidence phish: with MX at Microsoft 365 nothing planned delivers it (secure by default); with MX elsewhere it names the planned SCL -1 rules, Tenant Allow/Block List allows and anti-spam allowed senders as able to deliver it, and the IP Allow List as unknown.',
    sources: [
      { page: `${DD}secure-by-default.md`, read: READ },
      { page: `${DD}create-safe-sender-lists-in-office-365.md`, read: READ },
    ],
    code: [
      'src/core/planner/notices.ts',
      'src/core/mechanisms/types.ts',
      'src/core/mechanisms/scoped-rule.ts',
      'src/core/mechanisms/tabl-sender-allow.ts',
      'src/core/mechanisms/tabl-url-allow.ts',
      'src/core/mechanisms/tabl-spoof-allow.ts',
      'src/core/mechanisms/antispam-allowed-senders.ts',
      'src/core/mechanisms/ip-allow.ts',
    ],
    tests: [FIDELITY],
    disagreement:
      'secure-by-default.md lists the IP Allow List among the overrides secure by default ignores, but leaves it out of its list of what can deliver high-confidence phish when MX points elsewhere; passage says it does not know.',
  },
  {
    id: 'plan.relay.spoof-pair',
    area: 'planner',
    rule: 'For an in-and-out relay the recommended plan allows spoofing from each relay address with two spoofed-sender entries, one External and one Internal, the spoofed user being the wildcard and the sending infrastructure the address’s /24.',
    sources: [
      { page: `${DD}mdo-integrate-security-service.md`, read: READ },
      { page: `${DD}tenant-allow-block-list-email-spoof-configure.md`, read: READ },
      { page: `${PS}New-TenantAllowBlockListSpoofItems.md`, read: READ },
    ],
    code: ['src/core/mechanisms/tabl-spoof-allow.ts', 'src/core/planner/guard.ts'],
    tests: [FIDELITY],
    disagreement:
      'mdo-integrate-security-service.md shows the External/Internal pair only as a screenshot; the cmdlet page asks a full address for intra-org entries while the domain-pair syntax accepts the wildcard as spoofed user for any type. passage uses the wildcard on both entries, which is the only form that covers every sender a relay returns.',
  },
  {
    id: 'plan.relay.no-scl-rule',
    area: 'planner',
    rule: 'For an in-and-out relay the recommended plan makes no SCL -1 rule (Microsoft says mail flow rules and IP allows there can deliver false negatives) and recommends MX or API integration instead; the vendor’s SCL -1 "Bypass Clutter" rule stays its recipe, as its guide writes it.',
    sources: [{ page: `${DD}mdo-integrate-security-service.md`, read: READ }],
    code: ['src/core/mechanisms/scoped-rule.ts', 'src/core/planner/notices.ts'],
    tests: [FIDELITY],
  },
  {
    id: 'plan.relay.quarantine-verdicts',
    area: 'planner',
    rule: 'For an in-and-out relay the recommended plan offers quarantine for every negative verdict (anti-spam actions and the spoof action of the policies in force); the vendor’s recipe does not add it and no other category can choose it.',
    sources: [{ page: `${DD}mdo-integrate-security-service.md`, read: READ }],
    code: ['src/core/mechanisms/quarantine-verdicts.ts', 'src/core/planner/select.ts'],
    tests: [FIDELITY],
    disagreement:
      'Microsoft says to quarantine all negative verdicts without listing settings; passage sets the anti-spam spam, high-confidence spam, phish, high-confidence phish and bulk actions and the anti-phishing spoof action, and leaves an action that already deletes mail alone.',
  },
  {
    id: 'plan.url.allow-forms',
    area: 'planner',
    rule: 'URL allows are planned in forms Microsoft matches: a Tenant allow implies no subpath, so each link host is allowed as host and host/*; no left-wildcard Tenant allow; a phishing simulation’s links go to advanced delivery as host/* and *.host/* without expiry.',
    sources: [
      { page: `${DD}tenant-allow-block-list-urls-configure.md`, read: READ },
      { page: `${DD}advanced-delivery-policy-configure.md`, read: READ },
    ],
    code: [
      'src/core/mechanisms/tabl-url-allow.ts',
      'src/core/mechanisms/helpers.ts',
      'src/core/planner/guard.ts',
    ],
    tests: [FIDELITY],
    disagreement:
      'advanced-delivery-policy-configure.md says simulation URLs are needed only for non-email simulations (email simulation links are allowed automatically); passage still plans them when a simulation profile names link domains.',
  },
  {
    id: 'plan.enhanced-filtering.scl-bypass-rules',
    area: 'planner',
    rule: 'When enhanced filtering is planned, the tenant’s own enabled SCL -1 rules for the gateway (by its addresses or name) are named in a notice to disable them; passage does not change rules it did not create.',
    sources: [
      {
        page: 'MicrosoftDocs/OfficeDocs-Exchange:Exchange/ExchangeOnline/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors.md',
        read: READ,
      },
    ],
    code: ['src/core/mechanisms/enhanced-filtering.ts'],
    tests: [FIDELITY],
  },
  {
    id: 'plan.spoof.documented-forms',
    area: 'planner',
    rule: 'Spoofed-sender entries use documented forms: External entries name another domain; the tenant’s own domains get no domain-wide Internal entry (Internal takes a full address), and the plan says so; an IP pairs as its /24, which the risk text calls rentable shared cloud address space.',
    sources: [
      { page: `${PS}New-TenantAllowBlockListSpoofItems.md`, read: READ },
      { page: `${DD}tenant-allow-block-list-email-spoof-configure.md`, read: READ },
    ],
    code: ['src/core/mechanisms/tabl-spoof-allow.ts'],
    tests: [FIDELITY],
    disagreement:
      'Microsoft pairs an IP as its /24 only when the address has no PTR record (else the PTR domain); passage reads no DNS while planning and always pairs the /24.',
  },
  {
    id: 'plan.zap.allows-may-override',
    area: 'planner',
    rule: 'Turning spam ZAP off tenant-wide (a vendor recipe) carries a notice that it may be unnecessary, because allows might already keep ZAP off the vendor’s delivered mail.',
    sources: [{ page: `${DD}zero-hour-auto-purge.md`, read: READ }],
    code: ['src/core/mechanisms/disable-zap.ts'],
    tests: [FIDELITY],
    disagreement:
      'The current page says ZAP might be overridden by Safe Senders, mail flow rules and other allows; older versions said those allows always take precedence. passage keeps the weaker "might".',
  },
  {
    id: 'plan.safe-list.reserved',
    area: 'planner',
    rule: 'passage never sets EnableSafeList on the connection filter policy: Microsoft reserves it for internal use, so the safe-list mechanism is refused with that reason.',
    sources: [{ page: `${PS}Set-HostedConnectionFilterPolicy.md`, read: READ }],
    code: ['src/core/mechanisms/safe-list.ts'],
    tests: [FIDELITY],
  },
  {
    id: 'plan.rule.simulation-scope',
    area: 'planner',
    rule: 'A phishing simulation’s mail flow rule (a recipe’s Clutter or SCL -1 rule) matches its sending IPs and its envelope domains, never DMARC of the domains it spoofs, which cannot pass.',
    sources: [
      { page: `${DD}advanced-delivery-policy-configure.md`, read: READ },
      { page: `${DD}create-safe-sender-lists-in-office-365.md`, read: READ },
    ],
    code: ['src/core/mechanisms/rules.ts'],
    tests: [FIDELITY],
    disagreement:
      'Microsoft’s safe-sender guidance pairs a domain condition with dmarc=pass or an IP Allow List entry; for simulations, which fail DMARC by design, passage pairs the envelope domain with the sending IPs, as advanced delivery does.',
  },
  {
    id: 'plan.rule.internal-senders',
    area: 'planner',
    rule: 'When a rule is planned for a vendor that sends as the tenant’s own domain (ContactMonkey), the plan says mail flow rules cannot make an internal sender safe and that authentication of the tenant’s domain is the fix.',
    sources: [{ page: `${DD}create-safe-sender-lists-in-office-365.md`, read: READ }],
    code: [
      'src/core/mechanisms/rules.ts',
      'src/core/mechanisms/scoped-rule.ts',
      'src/core/mechanisms/bypass-clutter-header.ts',
    ],
    tests: [FIDELITY],
  },
  {
    id: 'plan.powershell.sign-in',
    area: 'planner',
    rule: 'The equivalent PowerShell signs in with -UserPrincipalName (adding -DelegatedOrganization for a partner), never -Organization, and stops before any change unless Get-OrganizationConfig names the planned tenant (name or tenant id).',
    sources: [{ page: `${PS}Connect-ExchangeOnline.md`, read: READ }],
    code: ['src/core/powershell/render.ts'],
    tests: ['src/core/powershell/render.test.ts', 'test/powershell-golden.test.ts'],
    disagreement:
      'Get-OrganizationConfig.md does not say that Name is the .onmicrosoft.com name; public scripts rely on it, so the script also accepts ExternalDirectoryOrganizationId equal to the tenant id.',
  },
]
