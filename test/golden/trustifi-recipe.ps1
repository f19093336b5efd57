# passage plan for Trustifi in northwindtraders.onmicrosoft.com
# plan hash e8c7d350add769c6a36f7682438ecec313d3e8c21ae197c50f48182590870ea4, made 2026-11-20T09:00:00Z, mode recipe
# Equivalent Exchange Online PowerShell. Review it before you run it.
#Requires -Modules ExchangeOnlineManagement
$ErrorActionPreference = 'Stop'

Connect-ExchangeOnline -Organization 'northwindtraders.onmicrosoft.com' -ShowBanner:$false

# Note: No allow overrides malware or high-confidence phish verdicts: those messages are still quarantined (only advanced delivery for simulations is exempt).
# Note: MX points at a gateway: with an SCL -1 rule, secure by default no longer holds and high-confidence phish can get through. Prefer enhanced filtering.
# Note: Microsoft strongly recommends against in-and-out relay routing; moving the relay to MX or API mode is safer than bypassing protections.
# Note: ZAP cannot be scoped to one sender: spam ZAP goes off for every sender those anti-spam policies cover.

# [c01] Turn spam ZAP off in 'Default' (phish ZAP stays on)
# risk high: Spam found after delivery is no longer pulled back for any sender covered by those policies.
Set-HostedContentFilterPolicy -Identity 'Default' -SpamZapEnabled $false

# [c02] Turn spam ZAP off in 'Northwind Anti-spam' (phish ZAP stays on)
# risk high: Spam found after delivery is no longer pulled back for any sender covered by those policies.
Set-HostedContentFilterPolicy -Identity 'Northwind Anti-spam' -SpamZapEnabled $false

# [c03] Create mail flow rule 'passage: Trustifi skip Safe Links' to skip Safe Links for Trustifi
# risk high: Turns Safe Links off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189-2).
# trips ORCA 189-2: Safe Links bypassed by a mail flow rule
New-TransportRule -Name 'passage: Trustifi skip Safe Links' -Priority 22 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: skip Safe Links for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetHeaderName 'X-MS-Exchange-Organization-SkipSafeLinksProcessing' -SetHeaderValue '1' -Enabled $true

# [c04] Create mail flow rule 'passage: Trustifi skip Safe Attachments' to skip Safe Attachments for Trustifi
# risk high: Turns attachment detonation off for the vendor’s mail; the header is undocumented by Microsoft (ORCA 189).
# trips ORCA 189: Safe Attachments bypassed by a mail flow rule
New-TransportRule -Name 'passage: Trustifi skip Safe Attachments' -Priority 23 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: skip Safe Attachments for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetHeaderName 'X-MS-Exchange-Organization-SkipSafeAttachmentProcessing' -SetHeaderValue '1' -Enabled $true

# [c05] Create mail flow rule 'passage: Trustifi Inbound Bypass Clutter' to bypass spam filtering (SCL -1) and bypass Clutter for Trustifi
# risk medium: Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes); malware and high-confidence phish are still caught. Scanners flag every SCL -1 rule.
# trips Maester MT.1043: Mail flow rules must not set SCL -1
# trips ORCA 118-2: SCL -1 rule scoped by sender IP only
New-TransportRule -Name 'passage: Trustifi Inbound Bypass Clutter' -Priority 24 -Mode 'Enforce' -Comments 'managed-by=passage vendor=trustifi: bypass spam filtering (SCL -1) and bypass Clutter for Trustifi' -SenderIpRanges @('3.93.243.176','3.93.139.220','54.195.145.1','3.251.32.127') -SetSCL -1 -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -StopRuleProcessing $true -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
