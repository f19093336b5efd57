import { AntiPhishPolicy } from '../model/anti-phish.js'
import { AntiSpamPolicy } from '../model/anti-spam.js'
import { MalwareFilterPolicy } from '../model/malware-filter.js'
import { SafeAttachmentPolicy } from '../model/safe-attachments.js'
import { SafeLinksPolicy } from '../model/safe-links.js'

/** The two preset security policies. */
export type PresetLevel = 'Standard' | 'Strict'

/**
 * Anti-spam settings of the Standard and Strict presets (message-headers §1.5: spam Junk/Quarantine,
 * HC spam and phish Quarantine, bulk Junk/Quarantine at BCL 6/5). Presets cannot hold allowed or
 * blocked senders. Quarantine tags are not in the reference: the tags here are not re-verified.
 */
export function presetAntiSpam(level: PresetLevel, name: string): AntiSpamPolicy {
  const strict = level === 'Strict'
  return AntiSpamPolicy.parse({
    Name: name,
    BulkThreshold: strict ? 5 : 6,
    MarkAsSpamBulkMail: 'On',
    SpamAction: strict ? 'Quarantine' : 'MoveToJmf',
    HighConfidenceSpamAction: 'Quarantine',
    PhishSpamAction: 'Quarantine',
    HighConfidencePhishAction: 'Quarantine',
    BulkSpamAction: strict ? 'Quarantine' : 'MoveToJmf',
    SpamQuarantineTag: strict
      ? 'DefaultFullAccessWithNotificationPolicy'
      : 'DefaultFullAccessPolicy',
    HighConfidenceSpamQuarantineTag: 'DefaultFullAccessWithNotificationPolicy',
    PhishQuarantineTag: 'DefaultFullAccessWithNotificationPolicy',
    HighConfidencePhishQuarantineTag: 'AdminOnlyAccessPolicy',
    BulkQuarantineTag: strict
      ? 'DefaultFullAccessWithNotificationPolicy'
      : 'DefaultFullAccessPolicy',
    SpamZapEnabled: true,
    PhishZapEnabled: true,
  })
}

/**
 * Anti-phishing settings of the presets (message-headers §1.5: spoof Junk/Quarantine, DMARC
 * honoured; impersonation user/domain Quarantine, mailbox intelligence Junk/Quarantine, marked
 * "not re-verified" there).
 */
export function presetAntiPhish(level: PresetLevel, name: string): AntiPhishPolicy {
  const strict = level === 'Strict'
  return AntiPhishPolicy.parse({
    Name: name,
    EnableSpoofIntelligence: true,
    AuthenticationFailAction: strict ? 'Quarantine' : 'MoveToJmf',
    HonorDmarcPolicy: true,
    DmarcQuarantineAction: 'Quarantine',
    DmarcRejectAction: 'Reject',
    EnableTargetedUserProtection: true,
    EnableTargetedDomainsProtection: true,
    EnableOrganizationDomainsProtection: true,
    EnableMailboxIntelligence: true,
    EnableMailboxIntelligenceProtection: true,
    TargetedUserProtectionAction: 'Quarantine',
    TargetedDomainProtectionAction: 'Quarantine',
    MailboxIntelligenceProtectionAction: strict ? 'Quarantine' : 'MoveToJmf',
  })
}

/** Safe Links in the presets: on for email, URLs rewritten, no do-not-rewrite list. */
export function presetSafeLinks(name: string): SafeLinksPolicy {
  return SafeLinksPolicy.parse({
    Name: name,
    EnableSafeLinksForEmail: true,
    DisableUrlRewrite: false,
  })
}

/** Safe Attachments in the presets: on, Block. */
export function presetSafeAttachments(name: string): SafeAttachmentPolicy {
  return SafeAttachmentPolicy.parse({ Name: name, Enable: true, Action: 'Block' })
}

/**
 * Microsoft's default file types of the common attachments filter: the list of the Default policy,
 * of new custom policies and of the Standard and Strict presets (defender-docs
 * anti-malware-protection-about.md, "Common attachments filter in anti-malware policies").
 */
export const DEFAULT_MALWARE_FILE_TYPES: readonly string[] = [
  ...['ace', 'ani', 'apk', 'app', 'appx', 'arj', 'bat', 'cab', 'cmd', 'com', 'deb', 'dex', 'dll'],
  ...['docm', 'elf', 'exe', 'hta', 'img', 'iso', 'jar', 'jnlp', 'kext', 'lha', 'lib', 'library'],
  ...['lnk', 'lzh', 'macho', 'msc', 'msi', 'msix', 'msp', 'mst', 'pif', 'ppa', 'ppam', 'reg'],
  ...['rev', 'scf', 'scr', 'sct', 'sys', 'uif', 'vb', 'vbe', 'vbs', 'vxd', 'wsc', 'wsf', 'wsh'],
  ...['xll', 'xz', 'z'],
]

/**
 * The anti-malware settings Microsoft gives the Default policy and the Standard and Strict presets
 * alike: the common attachments filter on with Reject (NDR), AdminOnlyAccessPolicy, ZAP on
 * (defender-docs recommended-settings-for-eop-and-office365.md, "EOP anti-malware policy
 * settings"). Used for a preset, and for a snapshot that lists no Default policy.
 */
export function microsoftMalwarePolicy(name: string, isDefault: boolean): MalwareFilterPolicy {
  return MalwareFilterPolicy.parse({
    Name: name,
    IsDefault: isDefault,
    EnableFileFilter: true,
    FileTypes: [...DEFAULT_MALWARE_FILE_TYPES],
    FileTypeAction: 'Reject',
    QuarantineTag: 'AdminOnlyAccessPolicy',
    ZapEnabled: true,
  })
}

/** Anti-malware in the presets: Microsoft's settings, the same at both levels. */
export function presetMalware(name: string): MalwareFilterPolicy {
  return microsoftMalwarePolicy(name, false)
}
