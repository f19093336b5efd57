import type { BehaviourRow } from './types.js'

const READ = '2026-12-06'
const CIPP = (file: string) => ({ page: `KelvinTegelaar/CIPP:Tests/Shapes/${file}`, read: READ })
const PS = (cmdlet: string) => ({
  page: `MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/${cmdlet}.md`,
  read: READ,
})
const MDO = (page: string) => ({
  page: `MicrosoftDocs/defender-docs:defender-office-365/${page}`,
  read: READ,
})

const SHAPE_TEST = 'test/sandbox/real-shapes.test.ts'
const ISSUE11_TEST = 'test/sandbox/issue11-sandbox.test.ts'
const POLICIES = 'src/sandbox/engine/shapes/policies.ts'

/** A Get-* policy cmdlet served in its captured shape. */
function policyShape(cmdlet: string, capture: string, what: string): BehaviourRow {
  return {
    id: `shape.${cmdlet.toLowerCase()}`,
    area: 'sandbox',
    rule: `${cmdlet} answers with the full property set of a real ${what}: directory properties, null for empty lists, false for unset switches, type annotations; nothing passage-only.`,
    sources: [CIPP(capture), PS(cmdlet)],
    code: [POLICIES, 'src/sandbox/engine/shapes/common.ts', 'src/sandbox/http/admin-api.ts'],
    tests: [SHAPE_TEST],
    disagreement:
      "CIPP's list endpoints merge the policy's rule into it (RuleName, Priority, State, recipient conditions); those properties are left out, as Get-*Policy itself does not return them.",
  }
}

/** The sandbox behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'shape.get-transportrule',
    area: 'sandbox',
    rule: 'Get-TransportRule answers with every rule property (about 200), null for unset ones, false switches, Conditions/Actions/Exceptions as lists of rule class names, Priority/WhenChanged type annotations, and no Unmodelled.',
    sources: [
      CIPP('ListTransportRules.json'),
      {
        page: 'rknightion/graph2otel:internal/collectors/exchangetransportrules (verbatim Get-TransportRule records)',
        read: READ,
      },
      PS('Get-TransportRule'),
    ],
    code: ['src/sandbox/engine/shapes/transport-rule.ts', 'src/sandbox/http/admin-api.ts'],
    tests: [SHAPE_TEST],
    disagreement:
      "CIPP's capture flattens Conditions/Actions/From to text; the verbatim admin API records carry them as #Collection(String), which the sandbox follows. Class names of conditions no capture shows are derived from the parameter name (<Parameter>Predicate/Action).",
  },
  {
    id: 'shape.get-quarantinepolicy',
    area: 'sandbox',
    rule: 'Get-QuarantinePolicy carries the end-user permissions as one boolean per permission and as EndUserQuarantinePermissions text, not as EndUserQuarantinePermissionsValue.',
    sources: [
      CIPP('ListQuarantinePolicy.json'),
      PS('New-QuarantinePolicy'),
      MDO('quarantine-policies.md'),
    ],
    code: [POLICIES],
    tests: [SHAPE_TEST],
    disagreement:
      'AdminDisplayName is absent from the capture but documented as settable on New-QuarantinePolicy; the sandbox returns it (passage writes its marker there).',
  },
  policyShape(
    'Get-HostedConnectionFilterPolicy',
    'ListConnectionFilter.json',
    'connection filter policy',
  ),
  policyShape('Get-HostedContentFilterPolicy', 'ListSpamfilter.json', 'anti-spam policy'),
  policyShape('Get-AntiPhishPolicy', 'ListAntiPhishingFilters.json', 'anti-phishing policy'),
  policyShape('Get-MalwareFilterPolicy', 'ListMalwareFilters.json', 'anti-malware policy'),
  policyShape(
    'Get-SafeAttachmentPolicy',
    'ListSafeAttachmentsFilters.json',
    'Safe Attachments policy',
  ),
  {
    ...policyShape('Get-SafeLinksPolicy', 'ListSafeLinksPolicy.json', 'Safe Links policy'),
    disagreement:
      "CIPP's Safe Links endpoint builds its own objects (no directory properties); the sandbox adds the directory properties of the sibling policy captures and drops what CIPP merges from the rule.",
  },
  {
    id: 'shape.unrecorded',
    area: 'sandbox',
    rule: 'Get-* cmdlets with no recorded real shape yet (TABL items and spoof items, advanced delivery, inbound connectors, ATP policy, policy rules, presets, accepted domains, quarantine messages, message trace) answer in passage model shape; the read path tolerates either.',
    sources: [PS('Get-TenantAllowBlockListItems'), PS('Get-ExoPhishSimOverrideRule')],
    code: ['src/sandbox/engine/shapes/index.ts'],
    tests: [SHAPE_TEST],
    disagreement:
      'No public capture of these outputs was found; their Microsoft pages list no output properties. Left as is until a capture exists.',
  },
  {
    id: 'read.rule-unmodelled',
    area: 'client',
    rule: "A rule's unmodelled conditions and actions are every set property outside the model (non-null, non-false, non-empty) and every Conditions/Actions/Exceptions class no such property accounts for; the evaluator treats them as uncertain.",
    sources: [CIPP('ListTransportRules.json'), PS('New-TransportRule')],
    code: ['src/core/surfaces/rule-state.ts', 'src/core/surfaces/transport-rule.ts'],
    tests: [SHAPE_TEST],
  },
  {
    id: 'read.quarantine-permissions',
    area: 'client',
    rule: 'Quarantine permission bits come from EndUserQuarantinePermissionsValue when present, else the EndUserQuarantinePermissions text, else the per-permission booleans.',
    sources: [CIPP('ListQuarantinePolicy.json'), PS('New-QuarantinePermissions')],
    code: ['src/core/model/quarantine-policy.ts', 'src/core/surfaces/quarantine-policy.ts'],
    tests: [SHAPE_TEST],
  },
  {
    id: 'read.empty-properties',
    area: 'client',
    rule: 'Exchange returns unset properties as null (or an empty string) with OData annotations beside values; the read path treats them as absent and ignores annotations and unknown properties.',
    sources: [CIPP('ListSpamfilter.json'), CIPP('ListAntiPhishingFilters.json')],
    code: ['src/app/read-state.ts', 'src/sandbox/seed/index.ts'],
    tests: [SHAPE_TEST],
  },
  {
    id: 'read.not-understood',
    area: 'client',
    rule: 'An object in a shape passage cannot read is kept by its identity and marked not understood (a rule gets an unknown condition, so it is uncertain); the rest of the tenant is read, and check reports it.',
    sources: [CIPP('ListTransportRules.json')],
    code: ['src/app/read-state.ts', 'src/core/surfaces/define.ts'],
    tests: [SHAPE_TEST],
  },
  {
    id: 'read.phishsim-pending-deletion',
    area: 'client',
    rule: 'A phishing simulation override rule whose Mode is PendingDeletion is skipped; the rule in force is the other one listed.',
    sources: [PS('Get-ExoPhishSimOverrideRule'), MDO('advanced-delivery-policy-configure.md')],
    code: ['src/core/surfaces/phish-sim-rule.ts'],
    tests: [SHAPE_TEST],
  },
  {
    id: 'sandbox.tabl-allow-default-45',
    area: 'sandbox',
    rule: 'A sender, file or URL allow created without an expiry is kept until 45 days after it was last used (RemoveAfter 45); blocks default to 30 days.',
    sources: [
      MDO('tenant-allow-block-list-email-spoof-configure.md'),
      PS('New-TenantAllowBlockListItems'),
    ],
    code: ['src/sandbox/engine/tabl.ts'],
    tests: [ISSUE11_TEST],
  },
  {
    id: 'sandbox.tabl-default-subtype',
    area: 'sandbox',
    rule: 'Get-TenantAllowBlockListItems without -ListSubType lists only Tenant entries; advanced delivery entries need -ListSubType AdvancedDelivery (the read path asks for them apart).',
    sources: [PS('Get-TenantAllowBlockListItems')],
    code: ['src/sandbox/engine/tabl.ts', 'src/core/surfaces/tabl-item.ts'],
    tests: [ISSUE11_TEST],
  },
  {
    id: 'sandbox.phishsim-ipv4-only',
    area: 'sandbox',
    rule: 'The phishing simulation override rule takes IPv4 sending IPs only, as the portal does.',
    sources: [MDO('advanced-delivery-policy-configure.md')],
    code: ['src/sandbox/engine/advanced-delivery.ts'],
    tests: [ISSUE11_TEST],
    disagreement:
      'New-ExoPhishSimOverrideRule lists IPv6 among accepted forms; the portal page says IPv4 only. The sandbox follows the portal, the stricter of the two.',
  },
  {
    id: 'sandbox.stamp-ip-allow',
    area: 'sandbox',
    rule: 'A message from an IP on the connection filter IP Allow List is stamped IPV:CAL with SFV:SKN in X-Forefront-Antispam-Report.',
    sources: [MDO('create-safe-sender-lists-in-office-365.md'), MDO('message-headers-eop-mdo.md')],
    code: ['src/sandbox/mail/deliver.ts'],
    tests: [ISSUE11_TEST],
    disagreement:
      'anti-spam-policies-troubleshooting.md pairs IPV:CAL with SFV:SKI; the sandbox stamps SKN, as the safe sender page and real headers show (eval.stamp.ip-allow-cal-skn).',
  },
  {
    id: 'sandbox.spoof-pair-syntax',
    area: 'sandbox',
    rule: 'A spoofed-sender pair may use * for the spoofed user or the sending infrastructure, not both; an Internal entry names a full address (or *).',
    sources: [
      MDO('tenant-allow-block-list-email-spoof-configure.md'),
      PS('New-TenantAllowBlockListSpoofItems'),
    ],
    code: ['src/sandbox/engine/tabl-spoof.ts'],
    tests: [ISSUE11_TEST],
  },
  {
    id: 'sandbox.device-poll-hold',
    area: 'sandbox',
    rule: 'A poll of a pending device code is answered authorization_pending at once, as Entra answers it; only a sandbox started for the demo (a sub-second poll interval) holds the poll until the admin decides, up to a few seconds and never past the code’s expiry, so the demo signs in with one poll and no fixed wait.',
    sources: [
      {
        page: 'MicrosoftDocs/entra-docs:docs/identity-platform/v2-oauth2-device-code.md',
        read: READ,
      },
    ],
    code: [
      'src/sandbox/identity/routes.ts',
      'src/sandbox/identity/device.ts',
      'src/sandbox/identity/index.ts',
    ],
    tests: ['src/sandbox/identity/identity.test.ts'],
    disagreement:
      'Entra documents the device code flow as a polling protocol (authorization_pending, then repeat after the interval) and says nothing of holding a poll. The hold is a sandbox-only convenience for the demo: the answers a client sees (tokens, authorization_declined, authorization_pending) are Entra’s, only their timing differs; by default the sandbox answers at once.',
  },
  {
    id: 'sandbox.fleet-admin-consent',
    area: 'sandbox',
    rule: "A multi-tenant app is consented per tenant at {authority}/{tenant}/adminconsent?client_id=; until then Entra refuses the app's client-credentials token (AADSTS700016), a disabled service principal is refused (AADSTS7000112), and an app-only token's oid is the service principal in that tenant.",
    sources: [
      {
        page: 'MicrosoftDocs/office-docs-powershell:exchange/docs-conceptual/app-only-auth-powershell-v2.md',
        read: READ,
      },
      { page: 'MicrosoftDocs/entra-docs:docs/identity-platform/v2-admin-consent.md', read: READ },
      {
        page: 'MicrosoftDocs/entra-docs:docs/identity-platform/reference-error-codes.md',
        read: READ,
      },
    ],
    code: [
      'src/app/fleet/enrol.ts',
      'src/sandbox/identity/consent.ts',
      'src/sandbox/identity/tokens.ts',
    ],
    tests: ['src/sandbox/identity/consent.test.ts'],
    disagreement:
      'The v2 page says never to trust the tenant the consent redirect returns: passage proves consent by signing the app in to the tenant it asked for.',
  },
  {
    id: 'sandbox.fleet-app-role',
    area: 'sandbox',
    rule: "The app's service principal gets its Exchange permissions through Exchange RBAC (New-ServicePrincipal, then Add-RoleGroupMember): Organization Management to change protection policies, View-Only Organization Management to read them.",
    sources: [
      {
        page: 'MicrosoftDocs/office-docs-powershell:exchange/docs-conceptual/app-only-auth-powershell-v2.md',
        read: READ,
      },
      {
        page: 'MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/New-ServicePrincipal.md',
        read: READ,
      },
      {
        page: 'MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell/Add-RoleGroupMember.md',
        read: READ,
      },
    ],
    code: [
      'src/app/fleet/enrol.ts',
      'src/sandbox/engine/service-principals.ts',
      'src/sandbox/engine/rbac.ts',
    ],
    tests: ['src/sandbox/engine/service-principals.test.ts'],
    disagreement:
      'The app-only page says anti-spam, anti-malware and anti-phishing need Exchange Administrator (or Global Administrator) and that Security Administrator is not enough; the Defender pages say Security Administrator suffices. Microsoft names no narrower Exchange role set for these cmdlets (UNCONFIRMED, said in the enrol output and the README); the sandbox treats the two role groups as Exchange Administrator and Global Reader (UNCONFIRMED, rbac.ts).',
  },
  {
    id: 'sandbox.fleet-throttling',
    area: 'sandbox',
    rule: "Microsoft publishes no request limit for the Exchange admin API: passage honours Retry-After inside a job and across a job's retries (a throttled job is sent again to start no sooner), and paces requests with a per-worker budget and a per-app budget shared by every worker through PostgreSQL, numbers of its own choosing; the sandbox's per-tenant throttle numbers are its own.",
    sources: [
      {
        page: 'MicrosoftDocs/office-docs-powershell:exchange/docs-conceptual/app-only-auth-powershell-v2.md',
        read: READ,
      },
    ],
    code: [
      'src/app/fleet/tenant-sessions.ts',
      'src/store/request-budget.ts',
      'src/store/queue.ts',
      'src/sandbox/http/budget.ts',
    ],
    tests: [
      'src/app/fleet/tenant-sessions.test.ts',
      'src/app/fleet/shared-budget.test.ts',
      'src/app/fleet/worker-throttle.test.ts',
    ],
    disagreement:
      'Microsoft is silent: no number, no 429-or-503 rule, no per-app or per-tenant scope for this API.',
  },
]
