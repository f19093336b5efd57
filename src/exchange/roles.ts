/**
 * Directory roles (reference §2.2) and which of them a cmdlet needs (§1.5, §2.2), for
 * admin-facing diagnoses such as "Exchange Administrator or Security Administrator".
 */

/** Role template ids, from the reference's table (Maester). */
export const ROLE_TEMPLATES: Readonly<Record<string, string>> = Object.freeze({
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  '29232cdf-9323-42fd-ade2-1d097af3e4de': 'Exchange Administrator',
  '194ae4cb-b126-40b2-bd5b-6091b380977d': 'Security Administrator',
  'f2ef992c-3afb-46b9-b7cf-a126ee74c451': 'Global Reader',
  '5d6b6bb7-de71-4623-b4af-96380a352509': 'Security Reader',
  '17315797-102d-40b4-93e0-432062caca18': 'Compliance Administrator',
  '5f2222b1-57c3-48ba-8ad5-d4759f1fde6f': 'Security Operator',
})

/** The role's display name for a template id (the id itself when unknown). */
export function roleName(templateId: string): string {
  return ROLE_TEMPLATES[templateId.toLowerCase()] ?? templateId
}

const verb = (cmdlet: string) => cmdlet.split('-')[0]?.toLowerCase() ?? ''
const noun = (cmdlet: string) => (cmdlet.split('-')[1] ?? '').toLowerCase()

/** Nouns of Defender security policies that Security Administrator may also manage (§2.2). */
const SECURITY_POLICY_NOUNS = [
  'hostedconnectionfilterpolicy',
  'hostedcontentfilterpolicy',
  'hostedcontentfilterrule',
  'antiphishpolicy',
  'antiphishrule',
  'safelinkspolicy',
  'safelinksrule',
  'safeattachmentpolicy',
  'safeattachmentrule',
  'tenantallowblocklistitems',
  'tenantallowblocklistspoofitems',
  'quarantinepolicy',
  'atppolicyforo365',
  'malwarefilterpolicy',
  'malwarefilterrule',
  'eopprotectionpolicyrule',
  'atpprotectionpolicyrule',
]

/** Cmdlets that read (any reader role will do). */
export function isReadCmdlet(cmdlet: string): boolean {
  return ['get', 'test'].includes(verb(cmdlet))
}

/**
 * The roles that let an admin run a cmdlet, in words. The reference's sources conflict on whether
 * Security Administrator may write anti-spam policies (§1.5); the connection-filter and advanced
 * delivery docs say yes, so it is named beside Exchange Administrator for those.
 */
export function rolesNeededFor(cmdlet: string): string {
  const n = noun(cmdlet)
  if (isReadCmdlet(cmdlet)) {
    if (n.startsWith('messagetrace'))
      return 'Exchange Administrator, Global Reader or Security Reader'
    return 'Exchange Administrator, Security Administrator, Global Reader or Security Reader'
  }
  if (n.includes('phishsimoverride') || n.includes('secopsoverride'))
    return 'Security Administrator together with Exchange Administrator (Organization Management), or Global Administrator'
  if (n.startsWith('quarantinemessage'))
    return 'Security Administrator, Security Operator or Exchange Administrator'
  if (SECURITY_POLICY_NOUNS.includes(n))
    return 'Exchange Administrator or Security Administrator for security policy cmdlets'
  return 'Exchange Administrator'
}

/** Cmdlets that exist only with Defender for Office 365 (Safe Links, Safe Attachments). */
export function isDefenderOnlyCmdlet(cmdlet: string): boolean {
  const n = noun(cmdlet)
  return (
    n.startsWith('safelinks') ||
    n.startsWith('safeattachment') ||
    n === 'atppolicyforo365' ||
    n === 'atpprotectionpolicyrule'
  )
}
