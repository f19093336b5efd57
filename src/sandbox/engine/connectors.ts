/** Get/Set-InboundConnector, with Enhanced Filtering for Connectors (reference §3.11). */
import { CONNECTION_FILTER } from './limits.js'
import { alreadyExists } from './errors.js'
import { findOne, present, selectByIdentity } from './objects.js'
import { P, type ParamSpec } from './params.js'
import { applyFields } from './policy-common.js'
import type { CmdletDef, Ctx } from './types.js'
import { checkAddresses, checkIps, checkLength } from './validate.js'

const SETTINGS: ParamSpec[] = [
  P.bool('Enabled'),
  P.enum('ConnectorType', 'Microsoft.Exchange.Data.TenantConnectorType', ['Partner', 'OnPremises']),
  P.str('Comment'),
  P.mvp('SenderDomains'),
  P.mvp('SenderIPAddresses'),
  P.bool('RestrictDomainsToIPAddresses'),
  P.bool('RequireTls'),
  P.str('TlsSenderCertificateName'),
  P.bool('EFSkipLastIP'),
  P.mvp('EFSkipIPs'),
  P.mvp('EFUsers'),
]

const connectors = (ctx: Ctx) => ctx.snapshot.state.inboundConnectors

/** The inbound connector cmdlets. */
export const CONNECTOR_CMDLETS: CmdletDef[] = [
  {
    name: 'Get-InboundConnector',
    write: false,
    scope: 'exchange',
    params: [P.identity(false)],
    run: (ctx, p) =>
      selectByIdentity(connectors(ctx), p.str('Identity')).map((o) => present(o, o.Name)),
  },
  {
    name: 'Set-InboundConnector',
    write: true,
    scope: 'exchange',
    params: [P.identity(), P.str('Name'), ...SETTINGS],
    run(ctx, p) {
      const c = findOne(connectors(ctx), p.req('Identity'))
      if (p.has('Name')) {
        const name = p.req('Name')
        if (connectors(ctx).some((o) => o !== c && o.Name.toLowerCase() === name.toLowerCase()))
          throw alreadyExists('connector', name)
        c.Name = name
      }
      applyFields(c, p, SETTINGS)
      checkLength(c.Name, 64)
      // Partner connector sender IPs: IPv4 /24 to /32 (reference §3.11).
      checkIps('SenderIPAddresses', c.SenderIPAddresses, {
        ipv6: false,
        widestPrefix: CONNECTION_FILTER.widestPrefix,
      })
      checkIps('EFSkipIPs', c.EFSkipIPs, { ipv6: true })
      checkAddresses('EFUsers', c.EFUsers)
    },
  },
]
