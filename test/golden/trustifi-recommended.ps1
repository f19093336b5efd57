#Requires -Modules ExchangeOnlineManagement
# passage plan for Trustifi in fabrikam.onmicrosoft.com
# plan hash a6e962aea49a4a784a02606b0a95126cdacca0f421e567ba3c88eaf2871bd240, made 2026-11-20T09:00:00Z, mode recommended
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
# Note: Microsoft strongly recommends against in-and-out relay routing (mdo-integrate-security-service): moving the relay to MX (with enhanced filtering) or to API integration is safer than any allow. If it must stay, Microsoft advises quarantining every negative verdict and two spoofed-sender allows (External and Internal) for the relay, not mail flow rules or IP allows, which can let false negatives through.
# Note: Spoofed-sender allows (External and Internal, any sender) are planned for Trustifi's relay addresses, each as its /24: remove them if you stop using the relay or it changes how it works. Microsoft identifies a source by its /24 only when the address has no PTR record; cloud addresses usually have one, and then these entries do not match and Microsoft names the source by its PTR domain, which for shared cloud hosting would cover every customer of that cloud: passage does not plan that. Check a relayed message's headers after applying.
# Note: Quarantining every negative verdict applies to all senders the anti-spam and anti-phishing policies cover, not only relayed mail: Microsoft advises it for in-and-out routing because a Junk verdict is not kept when the message comes back from the relay.

# [c01] Quarantine spam, bulk and phish verdicts in anti-spam policy 'Default'
# risk low: Adds protection: spam, bulk, phish and spoofed mail is quarantined instead of delivered to Junk, for every sender those policies cover; users see less in Junk and more in quarantine.
Set-HostedContentFilterPolicy -Identity 'Default' -SpamAction 'Quarantine' -HighConfidenceSpamAction 'Quarantine' -PhishSpamAction 'Quarantine' -BulkSpamAction 'Quarantine'

# [c02] Quarantine spoofed mail (spoof intelligence action) in anti-phishing policy 'Office365 AntiPhish Default'
# risk low: Adds protection: spam, bulk, phish and spoofed mail is quarantined instead of delivered to Junk, for every sender those policies cover; users see less in Junk and more in quarantine.
Set-AntiPhishPolicy -Identity 'Office365 AntiPhish Default' -AuthenticationFailAction 'Quarantine'

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

# [c11] Create mail flow rule 'passage: Trustifi Inbound Bypass Clutter' to bypass Clutter for Trustifi
# risk low: Only keeps the vendor’s mail out of Clutter; it bypasses no filtering.
New-TransportRule -Name 'passage: Trustifi Inbound Bypass Clutter' -Priority 3 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: bypass Clutter for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
