/**
 * Directory roles in words for the admin (discovery in the CLI and the wizard). Node-free: the
 * wizard's API views use it.
 */

/** The template id of Entra's default "User" role, in every member's token: not an admin role. */
const MEMBER_USER_ROLE = 'b79fbf4d-3ef9-4689-8143-76b194e85509'
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * Role names as an admin reads them: the default user role left out, and roles passage has no
 * name for counted ("2 other directory roles") instead of shown as template ids.
 */
export function plainRoles(roles: readonly string[]): string[] {
  const kept = roles.filter((r) => r.toLowerCase() !== MEMBER_USER_ROLE)
  const named = kept.filter((r) => !GUID.test(r))
  const unknown = kept.length - named.length
  return unknown ? [...named, `${unknown} other directory role${unknown === 1 ? '' : 's'}`] : named
}
