# passage plan for ContactMonkey in contoso.onmicrosoft.com
# plan hash 243b12d452498cb22acb8c1765ab6af22db14d685390e9a87b8c4bc9bbf207d8, made 2026-11-20T09:00:00Z, mode recommended
# Equivalent Exchange Online PowerShell. Review it before you run it.
#Requires -Modules ExchangeOnlineManagement
$ErrorActionPreference = 'Stop'

Connect-ExchangeOnline -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false

# Note: No allow overrides malware or high-confidence phish verdicts: those messages are still quarantined (only advanced delivery for simulations is exempt).
# Note: The mail flow rule matches only when DMARC passes: set up SPF and DKIM for the domains the vendor sends as.

# [c01] Allow URL daer.contactmonkey.org in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('daer.contactmonkey.org') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c02] Allow URL *.daer.contactmonkey.org in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('*.daer.contactmonkey.org') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c03] Allow URL contactmonkeyeu.com in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('contactmonkeyeu.com') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c04] Allow URL *.contactmonkeyeu.com in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('*.contactmonkeyeu.com') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c05] Allow URL tk.cmnky.co in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('tk.cmnky.co') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c06] Allow URL *.tk.cmnky.co in the Tenant Allow/Block List (kept until 45 days after last use)
# risk low: Allows URL verdicts for the vendor’s link domains only; links are still rewritten and checked at click.
New-TenantAllowBlockListItems -ListType 'Url' -Allow -Entries @('*.tk.cmnky.co') -RemoveAfter 45 -Notes 'managed-by=passage vendor=contactmonkey'

# [c07] Create mail flow rule 'passage: ContactMonkey bypass spam filtering' to bypass spam filtering (SCL -1) and bypass Clutter for ContactMonkey
# risk medium: Skips spam filtering for mail from the vendor’s IPs (and, for senders, only when DMARC passes); malware and high-confidence phish are still caught. Scanners flag every SCL -1 rule.
# trips Maester MT.1043: Mail flow rules must not set SCL -1
New-TransportRule -Name 'passage: ContactMonkey bypass spam filtering' -Priority 5 -Mode 'Enforce' -Comments 'managed-by=passage vendor=contactmonkey: bypass spam filtering (SCL -1) and bypass Clutter for ContactMonkey' -SenderIpRanges @('167.89.10.20') -HeaderMatchesMessageHeader 'Authentication-Results' -HeaderMatchesPatterns @('dmarc=pass','dmarc=bestguesspass') -SetSCL -1 -SetHeaderName 'X-MS-Exchange-Organization-BypassClutter' -SetHeaderValue 'true' -Enabled $true

Disconnect-ExchangeOnline -Confirm:$false
