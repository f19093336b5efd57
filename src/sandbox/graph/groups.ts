/**
 * Groups in the sandbox's Graph: `GET /v1.0/groups?$filter=mail eq '<address>'` and a group's
 * `members` / `transitiveMembers`, paged as Graph pages directory collections (100 objects by
 * default, `$top` up to 999, `@odata.nextLink` with an opaque `$skiptoken`). The groups and their
 * members are the tenant's directory (the seed's `directory.groups`); a member that is itself a
 * group is returned as a group, and `transitiveMembers` flattens nested groups as Graph does.
 *
 * Microsoft Graph v1.0: "List group members" and "List group transitive members" (needs
 * GroupMember.Read.All, Group.Read.All or Directory.Read.All), "Paging Microsoft Graph data".
 * ms-rule: client.graph-group-members
 *
 * Each group carries the properties Graph tells group kinds apart by ("Working with groups in
 * Microsoft Graph", learn.microsoft.com/graph/office365-groups-concept-overview): a Microsoft 365
 * group groupTypes ["Unified"], mailEnabled true (securityEnabled "true or false": false here, as
 * in that page's example); a mail-enabled security group groupTypes [], mailEnabled and
 * securityEnabled true; a distribution group groupTypes [], mailEnabled true, securityEnabled
 * false. A dynamic distribution group (snapshot.ts's kind 'dynamic') is an Exchange object that
 * Graph does not have: "dynamic distribution groups which can't be managed or retrieved through
 * Microsoft Graph", and List groups lists "all groups ... excluding dynamic distribution groups".
 * So it is never listed, never found by id, and left out of other groups' members. (groupTypes
 * "DynamicMembership" marks Entra groups with a membership rule, which the sandbox does not hold.)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Caller, SandboxTenant } from '../contracts.js'
import { stableGuid } from '../identity/index.js'

const GRAPH_BASE = 'https://graph.microsoft.com/v1.0'

/** Permissions that let a token read groups and their members. */
const READ_GROUPS = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
]

/** Graph's default and largest page of directory objects. */
const DEFAULT_TOP = 100
const MAX_TOP = 999

type Query = { Querystring: Record<string, string | undefined> }
type MemberParams = Query & { Params: { id: string } }

/** What the Graph routes share with this module (index.ts). */
export interface GraphRouteKit {
  authenticate(
    req: FastifyRequest,
    reply: FastifyReply,
  ): { caller: Caller; tenant: SandboxTenant } | null
  allowed(caller: Caller, anyOf: readonly string[]): boolean
  denied(req: FastifyRequest, reply: FastifyReply): FastifyReply
  ok(reply: FastifyReply, body: unknown): FastifyReply
  /** Graph's error body (index.ts's graphError). */
  error(
    reply: FastifyReply,
    req: FastifyRequest,
    status: number,
    code: string,
    message: string,
  ): FastifyReply
}

type Directory = SandboxTenant['snapshot']['directory']['groups']
type Group = Directory[number]

const groupId = (t: SandboxTenant, address: string) =>
  stableGuid('group', t.snapshot.tenant.id, address.toLowerCase())

/** Whether Graph has the group at all: not a dynamic distribution group (see above). */
export const inGraph = (g: Group) => g.kind !== 'dynamic'

/** A directory group as a Graph group object (its kind in groupTypes and securityEnabled). */
export function groupObject(t: SandboxTenant, g: Group) {
  const kind = g.kind ?? 'distribution'
  return {
    '@odata.type': '#microsoft.graph.group',
    id: groupId(t, g.address),
    deletedDateTime: null,
    displayName: g.address.split('@')[0] ?? g.address,
    mail: g.address,
    mailEnabled: true,
    securityEnabled: kind === 'security',
    groupTypes: kind === 'm365' ? ['Unified'] : [],
  }
}

function userObject(t: SandboxTenant, address: string) {
  const local = address.split('@')[0] ?? address
  return {
    '@odata.type': '#microsoft.graph.user',
    id: stableGuid('user', t.snapshot.tenant.id, address.toLowerCase()),
    displayName: local
      .split('.')
      .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
      .join(' '),
    mail: address,
    userPrincipalName: address,
  }
}

const findGroup = (groups: Directory, address: string) =>
  groups.find((g) => g.address.toLowerCase() === address.toLowerCase())

/** The directory's groups as Graph has them. */
const graphGroups = (t: SandboxTenant) => t.snapshot.directory.groups.filter(inGraph)

/** The direct members (transitive: every member reached through nested groups, groups included). */
function membersOf(t: SandboxTenant, address: string, transitive: boolean) {
  const groups = t.snapshot.directory.groups
  const seen = new Set<string>()
  const out: Record<string, unknown>[] = []
  const walk = (g: string, depth: number) => {
    for (const m of findGroup(groups, g)?.members ?? []) {
      const key = m.toLowerCase()
      if (seen.has(key)) continue
      seen.add(key)
      const nested = findGroup(groups, m)
      // A dynamic distribution group member is not a Graph object: not listed.
      if (nested && !inGraph(nested)) continue
      out.push(nested ? groupObject(t, nested) : userObject(t, m))
      if (nested && transitive && depth < 16) walk(nested.address, depth + 1)
    }
  }
  walk(address, 0)
  return out
}

/** `$select`: the listed properties (and `@odata.type`, which Graph keeps on directory objects). */
function select(o: Record<string, unknown>, sel: string | undefined): Record<string, unknown> {
  if (!sel?.trim()) return o
  const wanted = sel.split(',').map((x) => x.trim().toLowerCase())
  return Object.fromEntries(
    Object.entries(o).filter(([k]) => k === '@odata.type' || wanted.includes(k.toLowerCase())),
  )
}

const encodeSkip = (offset: number) => Buffer.from(`passage:${offset}`).toString('base64url')
function decodeSkip(token: string): number | null {
  const m = /^passage:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
  return m ? Number(m[1]) : null
}

/** Registers the group routes on the sandbox's Graph. */
export function registerGroupRoutes(app: FastifyInstance, kit: GraphRouteKit): void {
  app.get<Query>('/v1.0/groups', (req, reply) => {
    const who = kit.authenticate(req, reply)
    if (who === null) return reply
    if (!kit.allowed(who.caller, READ_GROUPS)) return kit.denied(req, reply)
    const filter = req.query['$filter']
    let groups = graphGroups(who.tenant)
    if (filter !== undefined) {
      const m = /^\s*mail\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter)
      if (!m)
        return kit.error(
          reply,
          req,
          400,
          'Request_UnsupportedQuery',
          `Unsupported or invalid query filter clause specified for property or operation: '${filter}'.`,
        )
      const address = m[1]!.replace(/''/g, "'")
      groups = groups.filter((g) => g.address.toLowerCase() === address.toLowerCase())
    }
    return kit.ok(reply, {
      '@odata.context': `${GRAPH_BASE}/$metadata#groups`,
      value: groups.map((g) => select(groupObject(who.tenant, g), req.query['$select'])),
    })
  })

  const members =
    (transitive: boolean) => (req: FastifyRequest<MemberParams>, reply: FastifyReply) => {
      const who = kit.authenticate(req, reply)
      if (who === null) return reply
      if (!kit.allowed(who.caller, READ_GROUPS)) return kit.denied(req, reply)
      const group = graphGroups(who.tenant).find(
        (g) => groupId(who.tenant, g.address) === req.params.id.toLowerCase(),
      )
      if (!group)
        return kit.error(
          reply,
          req,
          404,
          'Request_ResourceNotFound',
          `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
        )
      const topRaw = req.query['$top']
      const top = topRaw === undefined ? DEFAULT_TOP : Number(topRaw)
      if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
        return kit.error(
          reply,
          req,
          400,
          'Request_BadRequest',
          `Invalid page size specified: '${topRaw}'. Must be between 1 and ${MAX_TOP} inclusive.`,
        )
      const token = req.query['$skiptoken']
      const skip = token === undefined ? 0 : decodeSkip(token)
      if (skip === null)
        return kit.error(
          reply,
          req,
          400,
          'Directory_ExpiredPageToken',
          'The page token is invalid.',
        )
      const all = membersOf(who.tenant, group.address, transitive)
      const page = all.slice(skip, skip + top).map((o) => select(o, req.query['$select']))
      const body: Record<string, unknown> = {
        '@odata.context': `${GRAPH_BASE}/$metadata#directoryObjects`,
        value: page,
      }
      if (skip + top < all.length) {
        // The next page's link on this server's own origin (Graph's is graph.microsoft.com).
        const q = new URLSearchParams()
        for (const [k, v] of Object.entries(req.query))
          if (v !== undefined && k !== '$skiptoken') q.set(k, v)
        q.set('$skiptoken', encodeSkip(skip + top))
        const host = req.headers.host ?? 'localhost'
        const relation = transitive ? 'transitiveMembers' : 'members'
        body['@odata.nextLink'] =
          `https://${host}/v1.0/groups/${req.params.id}/${relation}?${q.toString()}`
      }
      return kit.ok(reply, body)
    }

  app.get<MemberParams>('/v1.0/groups/:id/members', members(false))
  app.get<MemberParams>('/v1.0/groups/:id/transitiveMembers', members(true))
}
