/**
 * Discovery: licences, the admin's roles, API access, MX routing, presets in force, co-managers
 * and what already exists for the vendor, from one read of the tenant.
 */
import type { FastifyInstance } from 'fastify'
import { discover } from '../../app/discover.js'
import { licenceName, hasDefender } from '../../core/model/licence.js'
import { parseBody } from '../errors.js'
import { DiscoveryRequest } from '../schemas.js'
import { connectionOf, sessionOf, type ServerState } from '../state.js'
import { vendorObjects } from '../vendor-objects.js'
import { resolveChoice } from '../vendors.js'

/** Roles that may make the changes passage plans (transport rules need Exchange Administrator). */
const WRITERS = ['Global Administrator', 'Exchange Administrator']
const PARTIAL = ['Security Administrator']

export function registerDiscoveryRoutes(app: FastifyInstance, state: ServerState): void {
  app.post('/api/discovery', async (req) => {
    const body = parseBody(DiscoveryRequest, req.body)
    const conn = connectionOf(state, body.connection)
    const session = sessionOf(conn)
    const vendor = body.vendor ? resolveChoice(body.vendor) : null
    const d = await discover(session, state.store)
    const s = d.snapshot
    conn.snapshot = s
    conn.tenant = { id: s.tenant.id, name: s.tenant.name, displayName: s.tenant.displayName }
    const roles = d.roles?.roles ?? null
    const canChange = roles === null ? null : roles.some((r) => WRITERS.includes(r))
    const partly = roles !== null && !canChange && roles.some((r) => PARTIAL.includes(r))
    const st = s.state
    return {
      discovery: {
        tenant: s.tenant,
        actor: session.actor,
        licence: {
          id: s.licence,
          name: licenceName(s.licence),
          defender: hasDefender(s.licence),
          skus: s.skus,
          defenderFrom: d.defenderFrom,
        },
        roles: {
          names: roles,
          source: d.roles?.source ?? null,
          canChange,
          note:
            roles === null
              ? 'Microsoft Graph did not say which roles you hold; Exchange will refuse any change you may not make.'
              : canChange
                ? 'Your roles allow every change passage may make.'
                : partly
                  ? 'Security Administrator can change security policies but not mail flow rules: sign in as an Exchange Administrator for every option.'
                  : `${roles.length ? roles.join(', ') : 'No administrator role'}: you can read the configuration but not change it. Sign in as an Exchange Administrator (or Global Administrator) to apply.`,
        },
        api: {
          reachable: true,
          calls: d.calls,
          ms: d.ms,
        },
        mx: {
          route: s.mx.route,
          gateway: s.mx.route === 'gateway' ? s.mx.gateway : null,
          hosts: s.mx.hosts,
          source: d.mxSource,
        },
        acceptedDomains: s.acceptedDomains.map((a) => a.DomainName),
        presets: s.presets.map((p) => ({
          name: p.Name,
          preset: p.Preset,
          kind: p.Kind,
          state: p.State,
          scope: [...p.SentTo, ...p.SentToMemberOf, ...p.RecipientDomainIs],
        })),
        coManagers: d.coManagers,
        counts: [
          { label: 'Mail flow rules', count: st.transportRules.length },
          { label: 'Anti-spam policies', count: st.antiSpam.policies.length },
          { label: 'Anti-phishing policies', count: st.antiPhish.policies.length },
          { label: 'Safe Links policies', count: st.safeLinks?.policies.length ?? null },
          {
            label: 'Safe Attachments policies',
            count: st.safeAttachments?.policies.length ?? null,
          },
          {
            label: 'Allow/Block List entries',
            count: st.tabl.items.length + st.tabl.spoofItems.length,
          },
          { label: 'Connection filter IP allows', count: st.connectionFilter.IPAllowList.length },
          { label: 'Quarantine policies', count: st.quarantinePolicies.length },
          { label: 'Inbound connectors', count: st.inboundConnectors.length },
        ],
        existing: vendor ? vendorObjects(s, vendor) : [],
        capturedAt: s.capturedAt,
      },
    }
  })
}
