#Requires -Modules ExchangeOnlineManagement
# passage plan for ContactMonkey in contoso.onmicrosoft.com
# plan hash e2c2c82f08bb5f28c2c3dea08f981ac056f05c3645428b0342fd3cad5afa17ab, made 2026-11-20T09:00:00Z, mode recommended
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
if ($org.Name -ne 'contoso.onmicrosoft.com' -and [string]$org.ExternalDirectoryOrganizationId -ne 'fd46b0cc-ba27-4bee-ac95-13bad50640e3') {
  Disconnect-ExchangeOnline -Confirm:$false
  throw "Signed in to '$($org.Name)', not the planned tenant contoso.onmicrosoft.com: nothing was changed."
}

# Note: MX points to Microsoft 365, so secure by default holds: no allow in this plan delivers malware or high-confidence phish; those messages stay quarantined (only advanced delivery for simulations is exempt).
# Note: URL allows cover each listed host and every path on it (host/*); Microsoft takes no left-wildcard Tenant allow, so a tracking subdomain not listed stays unallowed: add it by name.
# Note: Quarantine policies apply only where the anti-spam action is Quarantine; with Move to Junk nothing is held.
# Note: ContactMonkey sends as your own domain: Microsoft says mail flow rules cannot make an internal sender safe (its rule procedure is for external senders only), so the planned rule may not be honoured for this mail. What makes it deliverable is authentication: SPF, DKIM and DMARC for your domain covering ContactMonkey's sending service.
# Note: The mail flow rule matches only when DMARC passes: set up SPF and DKIM for the domains the vendor sends as.

# [c01] Create quarantine policy 'passage-contactmonkey-notify' (notifications on, users may request release)
# risk low: Users are told about held spam and bulk and can ask an admin to release it; nothing is released without review.
New-QuarantinePolicy -Name 'passage-contactmonkey-notify' -EndUserQuarantinePermissionsValue 43 -ESNEnabled $true -AdminDisplayName 'managed-by=passage vendor=contactmonkey'

# [c02] Use quarantine policy 'passage-contactmonkey-notify' for spam and bulk in 'Default'
# risk low: Users are told about held spam and bulk and can ask an admin to release it; nothing is released without review.
Set-HostedContentFilterPolicy -Identity 'Default' -SpamQuarantineTag 'passage-contactmonkey-notify' -BulkQuarantineTag 'passage-contactmonkey-notify'

# [c03] Use quarantine policy 'passage-contactmonkey-notify' for spam and bulk in 'Contoso Sales Anti-spam'
# risk low: Users are told about held spam and bulk and can ask an admin to release it; nothing is released without review.
Set-HostedContentFilterPolicy -Identity 'Contoso Sales Anti-spam' -SpamQuarantineTag 'passage-contactmonkey-notify' -BulkQuarantineTag 'passage-contactmonkey-notify'

# [c04] Do not rewrite ContactMonkey's tracking links in Safe Links policy 'Contoso Safe Links': daer.contactmonkey.org/*, *.daer.contactmonkey.org/*, contactmonkeyeu.com/*, *.contactmonkeyeu.com/*, tk.cmnky.co/*, *.tk.cmnky.co/*
# risk medium: Links to those domains are not wrapped at delivery (still checked at click); applies to every sender using those domains.
Set-SafeLinksPolicy -Identity 'Contoso Safe Links' -DoNotRewriteUrls @{Add=@('daer.contactmonkey.org/*','*.daer.contactmonkey.org/*','contactmonkeyeu.com/*','*.contactmonkeyeu.com/*','tk.cmnky.co/*','*.tk.cmnky.co/*')}

# [c05] Allow URL daer.contactmonkey.org in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('daer.contactmonkey.org') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c06] Allow URL daer.contactmonkey.org/* in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('daer.contactmonkey.org/*') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c07] Allow URL contactmonkeyeu.com in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('contactmonkeyeu.com') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c08] Allow URL contactmonkeyeu.com/* in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('contactmonkeyeu.com/*') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c09] Allow URL tk.cmnky.co in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('tk.cmnky.co') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c10] Allow URL tk.cmnky.co/* in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only (each host and its paths; subdomains are not covered); links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('tk.cmnky.co/*') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c11] Create mail flow rule 'passage: ContactMonkey bypass spam filtering' to bypass spam filtering (SCL -1) and bypass Clutter for ContactMonkey
# risk medium: Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes). With MX at Microsoft 365 malware and high-confidence phish are still quarantined; with MX elsewhere an SCL -1 rule can deliver high-confidence phish. Scanners flag every SCL -1 rule.
# trips Maester MT.1043: Mail flow rules must not set SCL -1
# trips ORCA 118-2: SCL -1 rule scoped by sender IP without limiting the sender domain
New-TransportRule -Name 'passage: ContactMonkey bypass spam filtering' -Priority 5 -Mode 'Enforce' -Comments 'managed-by=passage vendor=contactmonkey: bypass spam filtering (SCL -1) and bypass Clutter for ContactMonkey' -SenderIpRanges @('167.89.10.20') -HeaderMatchesMessageHeader 'Authentication-Results' -HeaderMatchesPatterns @('dmarc=pass','dmarc=bestguesspass') -SetSCL -1 -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
