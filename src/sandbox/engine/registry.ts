/** Every cmdlet the sandbox knows, by name (case-insensitive, as PowerShell matches them). */
import type { Licence } from '../../core/model/licence.js'
import { hasDefender } from '../../core/model/licence.js'
import { ADVANCED_DELIVERY_CMDLETS } from './advanced-delivery.js'
import { ANTI_PHISH_CMDLETS } from './anti-phish.js'
import { ATP_CMDLETS } from './atp.js'
import { CONNECTION_FILTER_CMDLETS } from './connection-filter.js'
import { CONNECTOR_CMDLETS } from './connectors.js'
import { CONTENT_FILTER_CMDLETS } from './content-filter.js'
import { GROUP_CMDLETS } from './groups.js'
import { MALWARE_FILTER_CMDLETS } from './malware-filter.js'
import { MESSAGE_TRACE_CMDLETS } from './message-trace.js'
import { ORGANIZATION_CMDLETS } from './organization.js'
import type { ParamSpec } from './params.js'
import { PRESET_RULE_CMDLETS } from './preset-rules.js'
import { QUARANTINE_POLICY_CMDLETS } from './quarantine-policy.js'
import { QUARANTINE_CMDLETS } from './quarantine.js'
import { SAFE_ATTACHMENT_CMDLETS } from './safe-attachments.js'
import { SAFE_LINKS_CMDLETS } from './safe-links.js'
import { SERVICE_PRINCIPAL_CMDLETS } from './service-principals.js'
import { TABL_SPOOF_CMDLETS } from './tabl-spoof.js'
import { TABL_CMDLETS } from './tabl.js'
import { TRANSPORT_RULE_CMDLETS } from './transport-rules.js'
import type { CmdletDef } from './types.js'

/** All cmdlet definitions. */
export const CMDLETS: readonly CmdletDef[] = [
  ...TRANSPORT_RULE_CMDLETS,
  ...CONNECTION_FILTER_CMDLETS,
  ...CONTENT_FILTER_CMDLETS,
  ...ANTI_PHISH_CMDLETS,
  ...MALWARE_FILTER_CMDLETS,
  ...SAFE_LINKS_CMDLETS,
  ...SAFE_ATTACHMENT_CMDLETS,
  ...TABL_CMDLETS,
  ...TABL_SPOOF_CMDLETS,
  ...ADVANCED_DELIVERY_CMDLETS,
  ...QUARANTINE_POLICY_CMDLETS,
  ...ATP_CMDLETS,
  ...CONNECTOR_CMDLETS,
  ...ORGANIZATION_CMDLETS,
  ...PRESET_RULE_CMDLETS,
  ...QUARANTINE_CMDLETS,
  ...MESSAGE_TRACE_CMDLETS,
  ...GROUP_CMDLETS,
  ...SERVICE_PRINCIPAL_CMDLETS,
]

const BY_NAME = new Map(CMDLETS.map((c) => [c.name.toLowerCase(), c]))

/** The definition of a cmdlet, whatever its licence; undefined when the sandbox has none. */
export function lookup(name: string): CmdletDef | undefined {
  return BY_NAME.get(name.trim().toLowerCase())
}

/** True when the cmdlet exists in a tenant with this licence (Defender-only ones need Defender). */
export function availableIn(def: CmdletDef, licence: Licence): boolean {
  return !def.mdoOnly || hasDefender(licence)
}

/** The cmdlet's parameters in a tenant with this licence. */
export function paramsIn(def: CmdletDef, licence: Licence): ParamSpec[] {
  return def.params.filter((s) => !s.mdoOnly || hasDefender(licence))
}
