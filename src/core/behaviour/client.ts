import type { BehaviourRow } from './types.js'

const READ = '2026-12-06'
const CIPP = 'KelvinTegelaar/CIPP-API:Modules/CIPPCore/Public/GraphHelper'
const PS = 'MicrosoftDocs/office-docs-powershell:exchange/exchange-ps/ExchangePowerShell'
const MDO = 'MicrosoftDocs/defender-docs:defender-office-365'

/** The client behaviours passage models, each traced to Microsoft (see types.ts). */
export const ROWS: readonly BehaviourRow[] = [
  {
    id: 'client.quarantine-release',
    area: 'client',
    rule: 'Malware and high-confidence phish stay quarantined whatever the allows and only an admin releases them deliberately, so `test --release` releases only spam, bulk and phish quarantines of mail from the vendor’s sending IPs that Microsoft 365 authenticated as a vendor domain (the topmost Authentication-Results read with Get-QuarantineMessageHeader), and only after a confirmation.',
    sources: [
      { page: `${MDO}/secure-by-default.md`, read: READ },
      { page: `${MDO}/quarantine-admin-manage-messages-files.md`, read: READ },
      { page: `${PS}/Release-QuarantineMessage.md`, read: READ },
      { page: `${PS}/Get-QuarantineMessageHeader.md`, read: READ },
    ],
    code: ['src/app/test-delivery.ts', 'src/cli/commands/test.ts'],
    tests: ['src/app/test-delivery.test.ts', 'test/app/test-release.e2e.test.ts'],
    disagreement:
      'Microsoft lets an admin release malware and high-confidence phish by hand after review; passage never does it in bulk, and also leaves transport-rule and DLP quarantines (the tenant’s own decisions) to the admin. Requiring both the IP and an authenticated vendor domain is passage’s choice: an envelope domain can be forged and a cloud IP is shared.',
  },
  {
    id: 'client.batch-shape',
    area: 'client',
    rule: 'A `$batch` goes out as CIPP’s bulk client sends it: the outer request carries `parameter-based-routing: true` and `Prefer: odata.maxpagesize=N;odata.continue-on-error` (values joined with `;`), and each sub-request carries X-AnchorMailbox, X-CmdletName, the same Prefer and routing flag, Accept `application/json; odata.metadata=minimal` and Accept-Encoding gzip.',
    sources: [{ page: `${CIPP}/New-ExoBulkRequest.ps1`, read: READ }],
    code: ['src/exchange/batch.ts'],
    tests: ['src/exchange/batch.test.ts'],
    disagreement:
      'CIPP copies its whole header set into every sub-request, the bearer token included; passage leaves the token to the outer request so that no secret sits in a request body. CIPP writes the routing flag as a JSON boolean; passage sends the string `true` (sub-request headers are strings in the OData JSON batch format). RFC 7240 separates preferences with commas; passage follows CIPP, which runs against the real service, and the impact of either form is unconfirmed.',
  },
  {
    id: 'client.signin-tenant-metadata',
    area: 'client',
    rule: 'An app-only sign-in to a tenant given by GUID fetches no OpenID configuration document of its own when this process already fetched another tenant’s of the same authority: the tenant’s endpoints are that document’s with the tenant GUID put in the first segment of each endpoint’s path, where Microsoft’s per-tenant document carries it, as msal does from its built-in template for Microsoft’s own authority hosts. Anything else (a domain name, `organizations`, a document of another shape, an endpoint without the tenant first, or on another host) fetches the tenant’s own document, and an unknown tenant refused by the token endpoint is said as the document’s refusal says it (PASSAGE_E_TENANT_UNKNOWN).',
    sources: [
      { page: 'MicrosoftDocs/entra-docs:docs/identity-platform/v2-protocols-oidc.md', read: READ },
      {
        page: 'AzureAD/microsoft-authentication-library-for-js:lib/msal-common/src/authority/AuthorityMetadata.ts',
        read: READ,
      },
    ],
    code: [
      'src/exchange/authority-metadata.ts',
      'src/exchange/msal-network.ts',
      'src/exchange/auth.ts',
    ],
    tests: ['src/exchange/authority-metadata.test.ts', 'test/exchange/authority-metadata.test.ts'],
    disagreement:
      'Microsoft’s page shows the per-tenant document with `{tenant}` in the authorization, token and keys endpoints and does not promise that every tenant of an authority has the same document but for its id; passage assumes it for the endpoints msal reads (authorization, token, keys, issuer, end of session) only when the fetched document has exactly that shape, as msal itself assumes for login.microsoftonline.com and the national clouds it knows. Against those hosts msal’s built-in template is used and passage adds nothing; the derivation only spares the sandbox (or another authority without a built-in template) a round trip per tenant.',
  },
  {
    id: 'client.graph-client',
    area: 'client',
    rule: 'Graph tokens are asked only of a client that gets them without a second device code (an app certificate, the admin’s own app registration with `--client-id`, or an explicit `--graph-client-id`), never of the Exchange Online PowerShell client; with Microsoft’s default public client discovery reads from Exchange alone, and when Graph refuses it says so and names the stand-in it used.',
    sources: [
      {
        page: 'microsoftgraph/msgraph-sdk-powershell:src/Authentication/Authentication/Models/AuthContext.cs',
        read: READ,
      },
      {
        page: 'cisagov/ScubaGear:PowerShell/ScubaGear/Modules/Providers/ProviderHelpers/EXORestHelper.psm1',
        read: READ,
      },
    ],
    code: [
      'src/exchange/config.ts',
      'src/exchange/auth.ts',
      'src/app/discover.ts',
      'src/sandbox/identity/scopes.ts',
    ],
    tests: [
      'test/exchange/sandbox.test.ts',
      'src/sandbox/identity/identity.test.ts',
      'test/app/graph-degrade.test.ts',
    ],
    disagreement:
      'No Microsoft page or public client shows the Exchange Online PowerShell client obtaining Graph tokens (reference §1.5: unconfirmed), so passage does not rely on it and the sandbox refuses it (AADSTS65002, as Entra refuses a first-party client not preauthorized for a resource). With Microsoft’s default client passage therefore asks for one device code (Exchange’s) and reads the directory from Exchange (client.exchange-directory); an app registration that carries both APIs adds Graph with the same code.',
  },
  {
    id: 'client.exchange-directory',
    area: 'client',
    rule: 'Without Graph, discovery reads the members of the groups presets and policies are scoped by with Get-DistributionGroupMember -ResultSize Unlimited (Get-UnifiedGroupLinks -LinkType Members for a Microsoft 365 group), flattening nested mail groups and naming what it did not expand (dynamic distribution groups, deeper nesting); the organisation’s name from Get-OrganizationConfig and the *.onmicrosoft.com accepted domain; the admin’s roles from the Exchange token; and the licence from which Defender cmdlets answer, said as such.',
    sources: [
      { page: `${PS}/Get-DistributionGroupMember.md`, read: READ },
      { page: `${PS}/Get-UnifiedGroupLinks.md`, read: READ },
      { page: `${PS}/Get-OrganizationConfig.md`, read: READ },
      { page: `${MDO}/preset-security-policies.md`, read: READ },
      { page: `${PS}/Set-EOPProtectionPolicyRule.md`, read: READ },
      { page: `${PS}/Get-DynamicDistributionGroup.md`, read: READ },
    ],
    code: ['src/exchange/directory.ts', 'src/app/discover.ts', 'src/sandbox/engine/groups.ts'],
    tests: ['src/exchange/directory.test.ts', 'test/app/graph-degrade.test.ts'],
    disagreement:
      'Microsoft’s pages do not say whether a preset’s SentToMemberOf condition matches members of nested groups (passage flattens, as Graph’s transitive members would), nor which error Get-DistributionGroupMember gives for a Microsoft 365 group (passage falls back to Get-UnifiedGroupLinks on not-found). The licence read from cmdlets cannot tell Defender Plan 1 from Plan 2. Microsoft contradicts itself on dynamic distribution groups: the preset and policy pages say they are not supported as a group condition, while Set-EOPProtectionPolicyRule / Set-ATPProtectionPolicyRule describe SentToMemberOf as matching members of “distribution groups, dynamic distribution groups, or mail-enabled security groups”; passage does not expand a dynamic group (its members are computed at delivery and Get-DistributionGroupMember does not list them; Get-DynamicDistributionGroup confirms what it is) and says so in discovery’s notes, so the members are simulated as not covered rather than guessed.',
  },
  {
    id: 'simulate.link-shapes',
    area: 'client',
    rule: 'A URL allow for a bare host does not cover its subpaths, so the typical messages `simulate` evaluates carry the vendor’s own tracking-link shapes (a path and a query, e.g. ContactMonkey’s /api/v1/tracker), or a generic tracking path when the vendor publishes none, never a bare host.',
    sources: [{ page: `${MDO}/tenant-allow-block-list-urls-configure.md`, read: READ }],
    code: ['src/core/simulate/typical.ts', 'src/catalog/vendors/contactmonkey.yaml'],
    tests: ['src/core/simulate/typical.test.ts', 'src/catalog/load.test.ts'],
  },
  {
    id: 'client.tabl-allow-lapse',
    area: 'client',
    rule: 'The monitor calls an allow passage created expiring from N days before it lapses: on its ExpirationDate when it has one; 45 days after its LastUsedDate when it was created to be removed after last use (RemoveAfter 45); counted from its creation when it was never used; IP and spoof allows that never expire never lapse.',
    sources: [
      { page: `${MDO}/tenant-allow-block-list-urls-configure.md`, read: READ },
      { page: `${MDO}/tenant-allow-block-list-ip-addresses-configure.md`, read: READ },
      { page: `${MDO}/tenant-allow-block-list-email-spoof-configure.md`, read: READ },
      { page: `${MDO}/tenant-allow-block-list-about.md`, read: READ },
      { page: `${MDO}/defender-for-office-365-whats-new.md`, read: READ },
      { page: `${PS}/New-TenantAllowBlockListItems.md`, read: READ },
    ],
    code: ['src/app/monitor/tabl-expiry.ts', 'src/app/monitor/classify.ts'],
    tests: ['src/app/monitor/tabl-expiry.test.ts'],
    disagreement:
      'Microsoft’s pages disagree on what starts the 45 days (the URL page: the last day the entry overrode a verdict; the July 2024 what’s-new entry: the day filtering finds the entity clean), say nothing of an allow that is never used (passage counts from its creation, the earliest it can lapse, and says so in the alert), disagree on whether domain, file and URL allows may be created directly or only through submissions, and on whether a dated allow’s 30 days count from today or from its creation. passage therefore reports an entry before it lapses, and renews it only as client.tabl-allow-renewal says.',
  },
  {
    id: 'client.tabl-allow-renewal',
    area: 'client',
    rule: 'passage renews an allow it created (its marker in Notes, kept until 45 days after last use) that lapses within the window by removing it and creating it again with the same list, value, -RemoveAfter 45 and notes, journaled as a renewal run (not the tenant’s last applied plan); it never renews a block, an entry without its marker or an entry someone gave a date, and a renewal stopped after the removal is undone by creating the entry again.',
    sources: [
      { page: `${PS}/Set-TenantAllowBlockListItems.md`, read: READ },
      { page: `${PS}/New-TenantAllowBlockListItems.md`, read: READ },
      { page: `${PS}/Remove-TenantAllowBlockListItems.md`, read: READ },
      { page: `${MDO}/tenant-allow-block-list-urls-configure.md`, read: READ },
    ],
    code: [
      'src/core/surfaces/tabl-item.ts',
      'src/core/planner/guard.ts',
      'src/app/monitor/renewal.ts',
      'src/app/monitor/renew.ts',
    ],
    tests: [
      'src/core/surfaces/tabl-item.test.ts',
      'src/core/planner/guard.test.ts',
      'src/app/monitor/renewal.test.ts',
      'test/app/monitor.test.ts',
      'test/app/renewal.test.ts',
    ],
    disagreement:
      'Microsoft documents no way to restart an allow’s 45 days: Set-TenantAllowBlockListItems -RemoveAfter 45 only “enables” the feature (silent on whether it resets the count), and -ExpirationDate makes a dated allow whose 30-day limit Microsoft counts from today on one page and from the creation on another. A new entry starts its own count, so passage re-creates; for the one request between the removal and the re-creation the vendor’s mail is filtered without the allow, which the renewal plan states as its risk.',
  },
  {
    id: 'client.scanner-exceptions',
    area: 'client',
    rule: 'A risk passage accepted is written for ScubaGear as an OmitPolicy entry (Rationale, Expiration) or an AnnotatePolicy entry (Comment, IncorrectResult, RemediationDate) under the policy’s versioned id, with its product in ProductNames; for Maester as Invoke-Maester -ExcludeTag of the test’s tag until its date, said to leave the test out rather than show it accepted.',
    sources: [
      { page: 'cisagov/ScubaGear:docs/configuration/configuration.md', read: READ },
      {
        page: 'cisagov/ScubaGear:PowerShell/ScubaGear/Sample-Config-Files/full_config.yaml',
        read: READ,
      },
      {
        page: 'cisagov/ScubaGear:PowerShell/ScubaGear/mappings/scuba-baseline-policy-migrations.csv',
        read: READ,
      },
      { page: 'maester365/maester:website/docs/configuration/overview.md', read: READ },
    ],
    code: ['src/core/report/scanners.ts', 'src/app/report/artefacts.ts'],
    tests: ['src/core/report/scanners.test.ts'],
    disagreement:
      'Maester documents no per-test exception with a rationale or an expiry (its TestSettings change a test’s severity and title only); excluding the test’s tag is what it documents, and passage says that the test is then absent from Maester’s report, not accepted.',
  },
]
