#Requires -Modules ExchangeOnlineManagement
# passage plan for ContactMonkey in fabrikam.onmicrosoft.com
# plan hash 6fb9e9be51c75f3d5f83c5ecab880eaa105de407d43f0ca4db3de4995ee2020a, made 2026-11-20T09:00:00Z, mode recipe
# Equivalent Exchange Online PowerShell. Review it before you run it.
# Sign in as an Exchange admin of the tenant: .\<script>.ps1 -AdminUpn admin@contoso.com
# A partner (CSP/GDAP) managing this tenant adds: -DelegatedOrganization <its .onmicrosoft.com name or tenant id>
param(
  [Parameter(Mandatory = $true)] [string] $AdminUpn,
  [string] $DelegatedOrganization = ''
)
$ErrorActionPreference = 'Stop'

$connect = @{ UserPrincipalName = $AdminUpn; ShowBanner = $false }
if ($DelegatedOrganization) { $connect.DelegatedOrganization = $DelegatedOrganization }
Connect-ExchangeOnline @connect

# Stop before changing anything unless this session is in the planned tenant.
$org = Get-OrganizationConfig
if ($org.Name -ne 'fabrikam.onmicrosoft.com' -and [string]$org.ExternalDirectoryOrganizationId -ne '9a2d802f-60c3-467f-b3ef-4ac53ec2fb0d') {
  Disconnect-ExchangeOnline -Confirm:$false
  throw "Signed in to '$($org.Name)', not the planned tenant fabrikam.onmicrosoft.com: nothing was changed."
}

# Note: MX points to Microsoft 365, so secure by default holds: no allow in this plan delivers malware or high-confidence phish; those messages stay quarantined (only advanced delivery for simulations is exempt).
# Note: ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover. It may be unnecessary: Microsoft says allows (Safe Senders, mail flow rules, other allow settings) might already keep ZAP off the vendor’s delivered mail, though it does not say which allows always do.
# Note: URL allows cover each listed host and every path on it (host/*); Microsoft takes no left-wildcard Tenant allow, so a tracking subdomain not listed stays unallowed: add it by name.
# Note: Quarantine policies apply only where the anti-spam action is Quarantine; with Move to Junk nothing is held.
# Note: ContactMonkey sends as your own domain: Microsoft says mail flow rules cannot make an internal sender safe (its rule procedure is for external senders only), so the planned rule may not be honoured for this mail. What makes it deliverable is authentication: SPF, DKIM and DMARC for your domain covering ContactMonkey's sending service.

# [c01] Create quarantine policy 'passage-contactmonkey-notify' (notifications on, users may release)
# risk medium: Users can release their own spam and bulk (never high-confidence phish or malware).
New-QuarantinePolicy -Name 'passage-contactmonkey-notify' -EndUserQuarantinePermissionsValue 39 -ESNEnabled $true -AdminDisplayName 'managed-by=passage vendor=contactmonkey'

# [c02] Add ContactMonkey's IPs to the connection filter IP Allow List: 167.89.10.20
# risk high: Skips spam filtering and SPF/DKIM/DMARC for everything from those IPs, including other customers of shared infrastructure.
# trips ORCA 114: IP Allow List in the connection filter
# trips CIS 2.1.12: Connection filter IP allow list is not used
# trips CISA MS.SECURITYSUITE.8.1: IP allow lists should not be created
Set-HostedConnectionFilterPolicy -Identity 'Default' -IPAllowList @{Add=@('167.89.10.20')}

# [c03] Raise the bulk threshold of 'Default' from 7 to 9; Turn spam ZAP off in 'Default' (phish ZAP stays on); Use quarantine policy 'passage-contactmonkey-notify' for spam and bulk in 'Default'
# risk high: Lets nearly all bulk mail from every sender into inboxes, not just the vendor’s.
Set-HostedContentFilterPolicy -Identity 'Default' -BulkThreshold 9 -SpamZapEnabled $false -SpamQuarantineTag 'passage-contactmonkey-notify' -BulkQuarantineTag 'passage-contactmonkey-notify'

# [c04] Allow URL daer.contactmonkey.org in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('daer.contactmonkey.org') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c05] Allow URL daer.contactmonkey.org/* in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('daer.contactmonkey.org/*') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c06] Allow URL contactmonkey.com in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('contactmonkey.com') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c07] Allow URL contactmonkey.com/* in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('contactmonkey.com/*') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c08] Create mail flow rule 'passage: ContactMonkey bypass Clutter' to bypass Clutter for ContactMonkey
# risk low: Only keeps the vendor’s mail out of Clutter; it bypasses no filtering.
New-TransportRule -Name 'passage: ContactMonkey bypass Clutter' -Priority 3 -Mode 'Enforce' -Comments 'managed-by=passage vendor=contactmonkey: bypass Clutter for ContactMonkey' -SenderIpRanges @('167.89.10.20') -HeaderMatchesMessageHeader 'Authentication-Results' -HeaderMatchesPatterns @('dmarc=pass','dmarc=bestguesspass') -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -StopRuleProcessing $true -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
