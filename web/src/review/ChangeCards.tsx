import { RiskBadge } from '../components'
import type { Change } from '../types'
import { Explained } from './Fold'
import {
  commandCount,
  expiryOf,
  fieldDiff,
  groupChanges,
  splitFields,
  type ChangeGroup,
  type FieldDiff,
} from './group'

/** Each change's block of the plan's PowerShell script, by change id. */
type Scripts = Readonly<Record<string, string>>

const OP: Record<Change['op'], string> = { create: 'Create', update: 'Change', remove: 'Remove' }

/** More settings than this are folded behind a one-line summary that names them. */
const SHOWN_SETTINGS = 6

/** Settings of one object: what a new one is made with, or each value before and after. */
function Settings({
  diffs,
  op,
  caption,
  compact = false,
}: {
  diffs: FieldDiff[]
  op: Change['op']
  caption: string
  /** As a grid of settings even for a change (each value written "before → after"). */
  compact?: boolean
}) {
  if (diffs.length === 0) return null
  const body =
    op === 'create' || compact ? (
      <dl className="settings" aria-label={caption}>
        {diffs.map((d) => (
          <div key={d.field}>
            <dt>{d.field}</dt>
            <dd>{op === 'create' ? d.after : `${d.before} → ${d.after}`}</dd>
          </div>
        ))}
      </dl>
    ) : (
      <div className="table-wrap">
        <table className="table diff">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Setting</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {diffs.map((d) => (
              <tr key={d.field}>
                <th scope="row">{d.field}</th>
                <td>{d.before}</td>
                <td>{d.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    )
  if (diffs.length <= SHOWN_SETTINGS) return body
  const names = diffs.map((d) => d.field)
  return (
    <details className="settings-fold">
      <summary>
        {diffs.length} settings ({names.slice(0, 4).join(', ')} and {names.length - 4} more)
      </summary>
      {body}
    </details>
  )
}

/**
 * The baseline checks a card's changes trip, each said once. (The Microsoft limits they use are
 * drawn once for the whole plan, one gauge per limit, below the cards.)
 */
function Touches({ changes }: { changes: readonly Change[] }) {
  const seen = new Set<string>()
  const baselines = changes
    .flatMap((c) => c.baselines)
    .filter((b) => {
      const k = `${b.scanner}:${b.check}`
      return seen.has(k) ? false : (seen.add(k), true)
    })
  if (baselines.length === 0) return null
  return (
    <p className="small">
      Baseline checks it trips:{' '}
      {baselines.map((b) => `${b.scanner} ${b.check} (${b.title})`).join('; ')}
    </p>
  )
}

/**
 * A card's lines of the plan's PowerShell, folded: each change's block of the script, as the
 * server rendered it (the same commands as the PowerShell tab).
 */
function Script({ changes, scripts }: { changes: readonly Change[]; scripts: Scripts }) {
  const script = changes
    .map((c) => scripts[c.id])
    .filter((s): s is string => typeof s === 'string')
    .join('\n\n')
  if (!script) return null
  const n = commandCount(script)
  return (
    <details className="change-powershell">
      <summary>
        Exchange Online PowerShell ({n} command{n === 1 ? '' : 's'})
      </summary>
      <pre className="powershell" tabIndex={0}>
        {script}
      </pre>
    </details>
  )
}

function SingleCard({ c, scripts }: { c: Change; scripts: Scripts }) {
  return (
    <li className="panel change" data-change={c.id}>
      <h3 className="change-head">
        <span className="op">{OP[c.op]}</span> <span className="change-summary">{c.summary}</span>{' '}
        <RiskBadge risk={c.risk.level} />
      </h3>
      <Explained text={c.risk.reason} />
      <Settings diffs={fieldDiff(c)} op={c.op} caption={`Settings of ${c.target}`} />
      <Touches changes={[c]} />
      <Script changes={[c]} scripts={scripts} />
    </li>
  )
}

/**
 * Several changes that share a surface, an operation and a reason: what they share (their words,
 * reason, risk, settings, PowerShell) said once, and each one an entry with what is its own
 * (its value, its expiry, its risk when the entries differ in risk).
 */
function GroupCard({ g, scripts }: { g: ChangeGroup<Change>; scripts: Scripts }) {
  const first = g.changes[0]!
  const n = g.changes.length
  const { shared, varying } = splitFields(g.changes, g.labels)
  const diffs = g.changes.map(fieldDiff)
  const expiries = g.changes.map((c) => expiryOf(c.after))
  const hasExpiry = expiries.some((e) => e !== null)
  const table = varying.length > 0 || hasExpiry || g.riskDiffers
  const title = g.head || g.tail
  return (
    <li className="panel change group" data-group={g.changes.map((c) => c.id).join(' ')}>
      <h3 className="change-head">
        <span className="op">
          {OP[first.op]} · {n}
        </span>{' '}
        <span>
          {title ? (
            <>
              {g.head} <em className="slot">(the {n} below)</em> {g.tail}
            </>
          ) : (
            `${n} changes of the same kind`
          )}
        </span>{' '}
        <RiskBadge risk={g.risk} />
      </h3>
      <Explained text={first.risk.reason} />
      {table ? (
        <div className="table-wrap">
          <table className="table entries">
            <caption className="sr-only">The {n} entries of this change</caption>
            <thead>
              <tr>
                <th scope="col">Entry</th>
                {varying.map((f) => (
                  <th scope="col" key={f}>
                    {f}
                  </th>
                ))}
                {hasExpiry && <th scope="col">Removed</th>}
                {g.riskDiffers && <th scope="col">Risk</th>}
              </tr>
            </thead>
            <tbody>
              {g.changes.map((c, i) => (
                <tr key={c.id} data-change={c.id}>
                  <th scope="row" className="change-summary">
                    {g.labels[i]}
                  </th>
                  {varying.map((f) => {
                    const d = diffs[i]!.find((x) => x.field === f)
                    return (
                      <td key={f}>
                        {!d ? '—' : c.op === 'update' ? `${d.before} → ${d.after}` : d.after}
                      </td>
                    )
                  })}
                  {hasExpiry && <td>{expiries[i] ?? 'never'}</td>}
                  {g.riskDiffers && (
                    <td>
                      <RiskBadge risk={c.risk.level} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <ul className="entries" aria-label={`The ${n} entries of this change`}>
          {g.changes.map((c, i) => (
            <li key={c.id} data-change={c.id}>
              <span className="change-summary">{g.labels[i]}</span>
            </li>
          ))}
        </ul>
      )}
      {shared.length > 0 && (
        <>
          <p className="small muted shared-label">The same for each entry:</p>
          <Settings
            diffs={shared}
            op={first.op}
            caption="Settings the same for each entry"
            compact
          />
        </>
      )}
      <Touches changes={g.changes} />
      <Script changes={g.changes} scripts={scripts} />
    </li>
  )
}

/**
 * The plan's changes as cards: alike changes (same surface, operation and reason) share one card
 * that lists them; every change is on the page exactly once, under its id (`data-change`).
 */
export function ChangeCards({
  changes,
  scripts,
}: {
  changes: readonly Change[]
  /** Each change's block of the plan's PowerShell, by change id. */
  scripts: Scripts
}) {
  const groups = groupChanges(changes)
  return (
    <ol className="changes">
      {groups.map((g) =>
        g.changes.length === 1 ? (
          <SingleCard key={g.key} c={g.changes[0]!} scripts={scripts} />
        ) : (
          <GroupCard key={g.key} g={g} scripts={scripts} />
        ),
      )}
    </ol>
  )
}
