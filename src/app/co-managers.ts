/**
 * Co-managers: other tools that manage the objects passage changes, found by their markers in
 * names, comments and notes. Each may revert what passage does, so discover lists them with what
 * they may undo. Pure.
 */
import { hasMarker } from '../core/model/common.js'
import type { SurfaceState } from '../core/model/snapshot.js'

/** Another tool found managing objects passage may touch. */
export interface CoManager {
  tool: string
  /** `surface: object name` of each object carrying its marker. */
  objects: string[]
  /** What it may revert or conflict with. */
  mayRevert: string
}

const TOOLS: { tool: string; pattern: RegExp; mayRevert: string }[] = [
  {
    tool: 'CIPP',
    pattern: /\bcipp\b/i,
    mayRevert:
      'CIPP standards re-apply on a schedule: one empties the connection filter IP allow list, others reset anti-spam and anti-phishing settings',
  },
  {
    tool: 'Mimecast',
    pattern: /mimecast/i,
    mayRevert: 'its connector and mail flow rules decide what reaches Exchange; keep them in step',
  },
  {
    tool: 'Trustifi',
    pattern: /trustifi/i,
    mayRevert: 'its setup wizard creates and rewrites its own mail flow rules and spoof allows',
  },
  {
    tool: 'KnowBe4',
    pattern: /knowbe4/i,
    mayRevert:
      'its setup guide edits advanced delivery and may replace the phishing simulation rule',
  },
  {
    tool: 'Proofpoint',
    pattern: /proofpoint|pphosted/i,
    mayRevert: 'its connector and rules manage inbound routing',
  },
  {
    tool: 'Barracuda',
    pattern: /barracuda/i,
    mayRevert: 'its connector and rules manage inbound routing',
  },
  {
    tool: 'Hoxhunt',
    pattern: /hoxhunt/i,
    mayRevert: 'its setup edits advanced delivery',
  },
  {
    tool: 'ORCA/Maester baseline scripts',
    pattern: /\b(orca|maester|scubagear)\b/i,
    mayRevert: 'baseline remediation turns allow lists and SCL -1 rules back off',
  },
]

/** Text fields of each object that may carry another tool's marker. */
function labelled(state: SurfaceState): { where: string; text: string }[] {
  const out: { where: string; text: string }[] = []
  const add = (where: string, ...texts: (string | null | undefined)[]) => {
    const text = texts.filter(Boolean).join(' ')
    // Objects passage itself created carry its marker and are never another tool's.
    if (!hasMarker(text)) out.push({ where, text })
  }
  for (const r of state.transportRules) add(`mail flow rule: ${r.Name}`, r.Name, r.Comments)
  for (const c of state.inboundConnectors) add(`inbound connector: ${c.Name}`, c.Name, c.Comment)
  for (const p of state.antiSpam.policies)
    add(`anti-spam policy: ${p.Name}`, p.Name, p.AdminDisplayName)
  for (const p of state.antiPhish.policies)
    add(`anti-phishing policy: ${p.Name}`, p.Name, p.AdminDisplayName)
  for (const p of state.quarantinePolicies)
    add(`quarantine policy: ${p.Name}`, p.Name, p.AdminDisplayName)
  for (const i of state.tabl.items) add(`allow/block entry: ${i.ListType} ${i.Value}`, i.Notes)
  return out
}

/** The co-managers whose markers the state carries, each with the objects and what it may undo. */
export function detectCoManagers(state: SurfaceState): CoManager[] {
  const objects = labelled(state)
  const out: CoManager[] = []
  for (const t of TOOLS) {
    const hits = objects.filter((o) => t.pattern.test(o.text)).map((o) => o.where)
    if (hits.length) out.push({ tool: t.tool, objects: hits, mayRevert: t.mayRevert })
  }
  return out
}
