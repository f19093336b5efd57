#Requires -Modules ExchangeOnlineManagement
# passage plan for Trustifi in northwindtraders.onmicrosoft.com
# plan hash 6c1e991490233284ca8bc1685d93ed92ce114839b3d07d7427b6941d82ec02b2, made 2026-11-20T09:00:00Z, mode recipe
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
if ($org.Name -ne 'northwindtraders.onmicrosoft.com' -and [string]$org.ExternalDirectoryOrganizationId -ne 'd03b82dc-4553-48a6-9dc6-6947743824e4') {
  Disconnect-ExchangeOnline -Confirm:$false
  throw "Signed in to '$($org.Name)', not the planned tenant northwindtraders.onmicrosoft.com: nothing was changed."
}

# Note: MX points to Mimecast, not Microsoft 365: secure by default does not apply, so Microsoft no longer promises that high-confidence phish stays quarantined. These planned allows can deliver messages Microsoft detects as high-confidence phish: Mail flow rule: SCL -1 for the vendor’s IPs and authenticated domains; Tenant Allow/Block List spoofed-sender allow (domain + sending infrastructure). Malware is still quarantined.
# Note: MX points at a gateway: prefer enhanced filtering on its connector to an SCL -1 rule, which can deliver high-confidence phish while MX is not at Microsoft 365.
# Note: Microsoft strongly recommends against in-and-out relay routing (mdo-integrate-security-service): moving the relay to MX (with enhanced filtering) or to API integration is safer than any allow. If it must stay, Microsoft advises quarantining every negative verdict and two spoofed-sender allows (External and Internal) for the relay, not mail flow rules or IP allows, which can let false negatives through.
# Note: Spoofed-sender allows (External and Internal, any sender) are planned for Trustifi's relay addresses, each as its /24: remove them if you stop using the relay or it changes how it works. Microsoft identifies a source by its /24 only when the address has no PTR record; cloud addresses usually have one, and then these entries do not match and Microsoft names the source by its PTR domain, which for shared cloud hosting would cover every customer of that cloud: passage does not plan that. Check a relayed message's headers after applying.
# Note: ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover. It may be unnecessary: Microsoft says allows (Safe Senders, mail flow rules, other allow settings) might already keep ZAP off the vendor’s delivered mail, though it does not say which allows always do.

# [c01] Turn spam ZAP off in 'Default' (phish ZAP stays on)
# risk high: Spam found after delivery is no longer pulled back for any sender covered by those policies.
Set-HostedContentFilterPolicy -Identity 'Default' -SpamZapEnabled $false

# [c02] Turn spam ZAP off in 'Northwind Anti-spam' (phish ZAP stays on)
# risk high: Spam found after delivery is no longer pulled back for any sender covered by those policies.
Set-HostedContentFilterPolicy -Identity 'Northwind Anti-spam' -SpamZapEnabled $false

# [c03] Allow any sender sent through 3.93.243.0/24 (external spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'External' -SpoofedUser '*' -SendingInfrastructure '3.93.243.0/24'

# [c04] Allow any sender sent through 3.93.243.0/24 (internal spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'Internal' -SpoofedUser '*' -SendingInfrastructure '3.93.243.0/24'

# [c05] Allow any sender sent through 3.93.139.0/24 (external spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'External' -SpoofedUser '*' -SendingInfrastructure '3.93.139.0/24'

# [c06] Allow any sender sent through 3.93.139.0/24 (internal spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'Internal' -SpoofedUser '*' -SendingInfrastructure '3.93.139.0/24'

# [c07] Allow any sender sent through 54.195.145.0/24 (external spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'External' -SpoofedUser '*' -SendingInfrastructure '54.195.145.0/24'

# [c08] Allow any sender sent through 54.195.145.0/24 (internal spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'Internal' -SpoofedUser '*' -SendingInfrastructure '54.195.145.0/24'

# [c09] Allow any sender sent through 3.251.32.0/24 (external spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'External' -SpoofedUser '*' -SendingInfrastructure '3.251.32.0/24'

# [c10] Allow any sender sent through 3.251.32.0/24 (internal spoof)
# risk low: Allows spoofing only from one sending infrastructure instead of switching spoof protection off. An IP pairs as its whole /24: in shared cloud address space anyone can rent an address in that block and send as the allowed sender.
New-TenantAllowBlockListSpoofItems -Identity 'Default' -Action 'Allow' -SpoofType 'Internal' -SpoofedUser '*' -SendingInfrastructure '3.251.32.0/24'

# [c11] Create mail flow rule 'passage: Trustifi skip Safe Links' to skip Safe Links for Trustifi
# risk high: Turns Safe Links off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189-2).
# trips ORCA 189-2: Safe Links bypassed by a mail flow rule
New-TransportRule -Name 'passage: Trustifi skip Safe Links' -Priority 22 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: skip Safe Links for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetHeaderName 'X-MS-Exchange-Organization-SkipSafeLinksProcessing' -SetHeaderValue '1' -Enabled $true

# [c12] Create mail flow rule 'passage: Trustifi skip Safe Attachments' to skip Safe Attachments for Trustifi
# risk high: Turns attachment detonation off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189).
# trips ORCA 189: Safe Attachments bypassed by a mail flow rule
New-TransportRule -Name 'passage: Trustifi skip Safe Attachments' -Priority 23 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: skip Safe Attachments for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetHeaderName 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing' -SetHeaderValue '1' -Enabled $true

# [c13] Create mail flow rule 'passage: Trustifi Inbound Bypass Clutter' to bypass spam filtering (SCL -1) and bypass Clutter for Trustifi
# risk medium: Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes). With MX at Microsoft 365 malware and high-confidence phish are still quarantined; with MX elsewhere an SCL -1 rule can deliver high-confidence phish. Scanners flag every SCL -1 rule.
# trips Maester MT.1043: Mail flow rules must not set SCL -1
# trips ORCA 118-2: SCL -1 rule scoped by sender IP without limiting the sender domain
New-TransportRule -Name 'passage: Trustifi Inbound Bypass Clutter' -Priority 24 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: bypass spam filtering (SCL -1) and bypass Clutter for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetSCL -1 -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -StopRuleProcessing $true -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
