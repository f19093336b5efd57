import { z } from 'zod'
import { list, NotUnderstood } from './common.js'

/** An inbound connector, with its Enhanced Filtering settings (reference §3.11). */
export const InboundConnector = z.object({
  /**
   * Set by the read path when Exchange returned this object in a shape passage could not read:
   * why. Only its identity is kept; the evaluator treats it as uncertain (issue 17).
   */
  NotUnderstood: NotUnderstood,
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
