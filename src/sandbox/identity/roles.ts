import type { DirectoryRoleName } from '../contracts.js'

/** Entra directory role template ids (the `wids` claim and directoryRole.roleTemplateId). */
export const ROLE_TEMPLATE_IDS: Record<DirectoryRoleName, string> = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Exchange Administrator': '29232cdf-9323-42fd-ade2-1d097af3e4de',
  'Security Administrator': '194ae4cb-b126-40b2-bd5b-6091b380977d',
  'Security Reader': '5d6b6bb7-de71-4623-b4af-96380a352509',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
}

/** The template id Entra puts in every member user's `wids` (the default "User" role). */
export const MEMBER_USER_TEMPLATE_ID = 'b79fbf4d-3ef9-4689-8143-76b194e85509'

/** Graph's description of each role, as directoryRole.description shows it. */
export const ROLE_DESCRIPTIONS: Record<DirectoryRoleName, string> = {
  'Global Administrator':
    'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
  'Exchange Administrator': 'Can manage all aspects of the Exchange product.',
  'Security Administrator':
    'Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365.',
  'Security Reader':
    'Can read security information and reports in Microsoft Entra ID and Office 365.',
  'Global Reader': 'Can read everything that a Global Administrator can, but not update anything.',
}

const BY_TEMPLATE = new Map<string, DirectoryRoleName>(
  Object.entries(ROLE_TEMPLATE_IDS).map(([name, id]) => [id, name as DirectoryRoleName]),
)

/** The role names for a `wids` claim; template ids the sandbox does not know are skipped. */
export function rolesFromWids(wids: readonly string[]): DirectoryRoleName[] {
  const roles: DirectoryRoleName[] = []
  for (const id of wids) {
    const name = BY_TEMPLATE.get(id.toLowerCase())
    if (name !== undefined && !roles.includes(name)) roles.push(name)
  }
  return roles
}

export function widsFromRoles(roles: readonly DirectoryRoleName[]): string[] {
  return [...new Set(roles.map((r) => ROLE_TEMPLATE_IDS[r]))]
}
