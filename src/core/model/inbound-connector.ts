import { z } from 'zod'
import { list } from './common.js'

/** An inbound connector, with its Enhanced Filtering settings (reference §3.11). */
export const InboundConnector = z.object({
  Name: z.string(),
  Enabled: z.boolean().default(true),
  ConnectorType: z.enum(['Partner', 'OnPremises']).default('Partner'),
  Comment: z.string().nullish(),
  SenderDomains: list(),
  SenderIPAddresses: list(),
  RestrictDomainsToIPAddresses: z.boolean().default(false),
  RequireTls: z.boolean().default(false),
  TlsSenderCertificateName: z.string().nullish(),
  EFSkipLastIP: z.boolean().default(false),
  EFSkipIPs: list(),
  EFUsers: list(),
})
export type InboundConnector = z.infer<typeof InboundConnector>

/** True when Enhanced Filtering is on for the connector (reference §3.11). */
export function enhancedFilteringOn(c: InboundConnector): boolean {
  return c.Enabled && (c.EFSkipLastIP || c.EFSkipIPs.length > 0)
}
