/** The per-surface summary of a tenant snapshot, shown by discover and the demo. */
import type { TenantSnapshot } from '../core/model/snapshot.js'

/** What the default anti-malware policy does with common attachment types, in words. */
function malwareNote(s: TenantSnapshot): string {
  const d = s.state.malware.policies.find((p) => p.IsDefault)
  if (!d) return ''
  const filter = d.EnableFileFilter
    ? `file filter ${d.FileTypeAction === 'Quarantine' ? 'quarantines' : 'rejects'} ${d.FileTypes.length} types`
    : 'file filter off'
  return `; default: ${filter}, malware to ${d.QuarantineTag}`
}

/** `n rule` or `n rules`. */
const rules = (n: number) => `${n} rule${n === 1 ? '' : 's'}`

/** One line per surface: how many objects it holds. */
export function surfaceCounts(s: TenantSnapshot): string[] {
  const st = s.state
  return [
    `mail flow rules          ${st.transportRules.length}`,
    `anti-spam policies       ${st.antiSpam.policies.length} (${rules(st.antiSpam.rules.length)})`,
    `anti-phishing policies   ${st.antiPhish.policies.length} (${rules(st.antiPhish.rules.length)})`,
    `Safe Links policies      ${st.safeLinks ? st.safeLinks.policies.length : 'n/a (no Defender)'}`,
    `Safe Attachments         ${st.safeAttachments ? st.safeAttachments.policies.length : 'n/a (no Defender)'}`,
    `anti-malware policies    ${st.malware.policies.length} (${rules(st.malware.rules.length)})${malwareNote(s)}`,
    `allow/block entries      ${st.tabl.items.length} (+${st.tabl.spoofItems.length} spoof)`,
    `IP allow list            ${st.connectionFilter.IPAllowList.length}`,
    `quarantine policies      ${st.quarantinePolicies.length}`,
    `inbound connectors       ${st.inboundConnectors.length}`,
    `preset policy rules      ${s.presets.length}`,
  ]
}
