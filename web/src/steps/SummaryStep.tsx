import { useState, type KeyboardEvent } from 'react'
import { api, download, saveText } from '../api'
import {
  ActionBadge,
  Actions,
  asApiError,
  Empty,
  ErrorPanel,
  RiskBadge,
  StepHeader,
} from '../components'
import type { ApiErrorBody, Plan, PlanResult } from '../types'
import type { StepProps } from '../App'
import { LimitGauges } from '../journey/LimitGauges'
import { MailPaths } from '../journey/MailPaths'
import { ChangeCards } from '../review/ChangeCards'
import { Explained, FoldedPanel } from '../review/Fold'

const TABS = ['Changes', 'PowerShell', 'What happens to the mail'] as const

/** A text cut to about `max` characters at a word, for a one-line summary. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`
}

/**
 * Who preset security policies keep out of the plan's policy changes, why, and what Microsoft
 * allows for them, each a separate choice with its risk. Taking them out of the preset is the one
 * passage can make: a switch per preset, off unless the admin turns it on, with the consequence
 * written out; turning it on (or off) plans again. The others are the admin's to do in the portal.
 */
function PresetCoverage(props: {
  plan: Plan
  busy: boolean
  onException: (preset: string, on: boolean) => void
}) {
  const { plan, busy } = props
  if (!plan.presets?.length) return null
  const anyChosen = plan.presets.some((n) => n.options.some((o) => o.chosen))
  const who = [...new Set(plan.presets.map((n) => n.who))]
  const options = plan.presets.reduce((k, n) => k + n.options.length, 0)
  const chosen = plan.presets.reduce((k, n) => k + n.options.filter((o) => o.chosen).length, 0)
  // Folded: one line says who, and how many choices Microsoft allows for them (and which are on).
  const summary =
    options === 0
      ? `${who.join('; ')}: why this plan leaves them as they are`
      : chosen === 0
        ? `${who.join('; ')}: why this plan leaves them as they are, and ${options} choice${options === 1 ? '' : 's'} for them (none turned on)`
        : `${who.join('; ')}: ${chosen} of ${options} choice${options === 1 ? '' : 's'} for them turned on, and what each does`
  return (
    <FoldedPanel
      testId="preset-coverage"
      title={anyChosen ? 'Who a preset security policy covers' : 'Who stays unchanged'}
      summary={summary}
    >
      {plan.presets.map((n) => (
        <div key={`${n.preset}-${n.kind}`} className="preset-note" data-preset={n.preset}>
          <p>
            <strong>{n.who}</strong>
            {n.recipients ? ` (${n.recipients.join(', ')})` : ''}: {n.why}
            {!n.recipients && (
              <span className="small muted">
                {' '}
                Who exactly is not known here: the members of the groups it names could not be read.
              </span>
            )}
          </p>
          {n.options.length > 0 && (
            <>
              <p className="small">
                What Microsoft allows for them, each your choice. Nothing here is on unless you turn
                it on:
              </p>
              <ul>
                {n.options.map((o) => {
                  const id = `preset-${n.preset}-${n.kind}-${o.id}`
                  return (
                    <li
                      key={o.id}
                      data-preset-option={o.id}
                      data-chosen={o.chosen ? 'yes' : 'no'}
                      className={o.chosen ? 'optin on' : undefined}
                    >
                      {o.id === 'preset-exception' ? (
                        <label htmlFor={id}>
                          <input
                            id={id}
                            type="checkbox"
                            role="switch"
                            aria-checked={o.chosen === true}
                            aria-describedby={`${id}-why`}
                            checked={o.chosen === true}
                            disabled={busy}
                            data-testid={`preset-exception-${n.preset}-${n.kind}`}
                            onChange={(e) => props.onException(n.preset, e.target.checked)}
                          />{' '}
                          <strong>Take these people out of the {n.preset} preset</strong>
                        </label>
                      ) : (
                        <strong>{o.title}</strong>
                      )}{' '}
                      <RiskBadge risk={o.risk} />
                      <br />
                      {o.id === 'preset-exception' && (
                        <>
                          <span className="small">{o.title}.</span>
                          <br />
                        </>
                      )}
                      <span className="small" id={`${id}-why`}>
                        {o.consequence}
                      </span>
                      <br />
                      <span className="small muted">
                        {o.id === 'preset-exception'
                          ? o.chosen
                            ? 'On: this plan makes the change; undo puts the preset back as it was.'
                            : 'Off: passage leaves the preset as it is.'
                          : 'passage does not make this change; in the Defender portal:'}{' '}
                        {o.id === 'preset-exception' ? `Portal: ${o.portal}` : o.portal}
                      </span>
                      {o.powershell && (
                        <details className="small">
                          <summary>Exchange Online PowerShell</summary>
                          <code>{o.powershell}</code>
                        </details>
                      )}
                    </li>
                  )
                })}
              </ul>
            </>
          )}
        </div>
      ))}
    </FoldedPanel>
  )
}

export function SummaryStep({ w, go, update }: StepProps) {
  const [tab, setTab] = useState(0)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState(false)
  const r = w.planResult
  // Taking a preset's people out of it is asked for by name: the plan is made again with it.
  const presetException = async (preset: string, on: boolean) => {
    const sel = w.selection
    if (!sel || !w.connection || !w.choice) return
    // What the plan on screen chose (not a remembered list: re-planning from Protections resets it).
    const wanted = new Set(
      (r?.plan.presets ?? [])
        .filter((n) => n.options.some((o) => o.id === 'preset-exception' && o.chosen))
        .map((n) => n.preset as string),
    )
    if (on) wanted.add(preset)
    else wanted.delete(preset)
    const presetExceptions = [...wanted]
    setBusy(true)
    setError(null)
    try {
      const mechanisms = Object.fromEntries(
        Object.entries(sel.mechanisms).filter(([x, m]) => m && sel.protections.includes(x)),
      )
      const next = await api<PlanResult>('POST', '/api/plan', {
        connection: w.connection.id,
        vendor: w.choice,
        protections: sel.protections,
        mode: sel.mode,
        ...(Object.keys(mechanisms).length ? { mechanisms } : {}),
        ...(presetExceptions.length ? { presetExceptions } : {}),
      })
      update({ selection: { ...sel, presetExceptions }, planResult: next })
    } catch (e) {
      setError(asApiError(e))
    } finally {
      setBusy(false)
    }
  }
  if (!r || !w.connection)
    return (
      <section>
        <StepHeader title="Summary" intro="Choose the protections first." />
        <Actions>
          <button type="button" className="primary" onClick={() => go(3)}>
            Go to protections
          </button>
        </Actions>
      </section>
    )
  const p = r.plan
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const n = (tab + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length
    setTab(n)
    document.getElementById(`tab-${n}`)?.focus()
  }
  const ps = async () => {
    try {
      await download(
        '/api/plan/powershell',
        { connection: w.connection!.id, planHash: p.hash },
        'passage-plan.ps1',
      )
    } catch (e) {
      setError(asApiError(e))
    }
  }
  const optIns = p.skipped.filter((s) => s.optIn)
  const impossible = p.skipped.filter((s) => !s.optIn)
  const baselines = p.changes.flatMap((c) => c.baselines.map((b) => ({ ...b, change: c.id })))

  return (
    <section>
      <StepHeader
        title={`Review: ${p.changes.length} change${p.changes.length === 1 ? '' : 's'} for ${p.vendor.name}`}
        intro={`This is exactly what passage will change in ${p.tenant.name}, and nothing else. Every change is recorded first so that you can undo it.`}
      />
      <div className="panel covered">
        <h3>Protections covered</h3>
        <ul>
          {p.protections.map((x) => (
            <li key={x.protection}>
              <strong>{r.titles.protections[x.protection] ?? x.protection}</strong>:{' '}
              {r.titles.mechanisms[x.mechanism] ?? x.mechanism} <RiskBadge risk={x.risk} />
              {x.unchangedFor && (
                <span className="small muted"> Not for {x.unchangedFor}: see below.</span>
              )}{' '}
              <details className="why small muted">
                <summary>
                  Why
                  <span className="sr-only">
                    {' '}
                    {r.titles.mechanisms[x.mechanism] ?? x.mechanism} for{' '}
                    {r.titles.protections[x.protection] ?? x.protection}
                  </span>
                </summary>
                {x.why}
                {x.vendorRecipe
                  ? ` (the vendor’s recipe would use ${r.titles.mechanisms[x.vendorRecipe] ?? x.vendorRecipe})`
                  : ''}
                .
              </details>
            </li>
          ))}
        </ul>
        {optIns.length > 0 && (
          <>
            <h4>Left off: high risk</h4>
            <ul>
              {optIns.map((s) => (
                <li key={s.protection} data-optin-skipped={s.protection}>
                  <strong>{r.titles.protections[s.protection] ?? s.protection}</strong>: only{' '}
                  {r.titles.mechanisms[s.optIn!] ?? s.optIn} works here, and it is high risk. It is
                  planned only if you turn it on in the Protections step.
                </li>
              ))}
            </ul>
          </>
        )}
        {impossible.length > 0 && (
          <>
            <h4>Not possible here</h4>
            <ul>
              {impossible.map((s) => (
                <li key={s.protection}>
                  <strong>{r.titles.protections[s.protection] ?? s.protection}</strong>:{' '}
                  <Explained text={s.reason} className="small" inline />
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <PresetCoverage plan={p} busy={busy} onException={presetException} />
      <div role="tablist" aria-label="Plan views" className="tabs" onKeyDown={onKey}>
        {TABS.map((t, i) => (
          <button
            key={t}
            id={`tab-${i}`}
            role="tab"
            type="button"
            aria-selected={tab === i}
            aria-controls={`tabpanel-${i}`}
            tabIndex={tab === i ? 0 : -1}
            onClick={() => setTab(i)}
          >
            {t}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`tabpanel-${tab}`}
        aria-labelledby={`tab-${tab}`}
        className="tabpanel"
      >
        {tab === 0 && (
          <>
            {p.changes.length === 0 && (
              <Empty>
                Your tenant already lets {p.vendor.name} through: there is nothing to change.
              </Empty>
            )}
            <ChangeCards changes={p.changes} scripts={r.changeScripts} />
            <div className="two-col">
              {/* The baseline checks and the notes share a column beside the limits' gauges. */}
              <div>
                <div className="panel">
                  <h3>Baseline checks this plan will trip</h3>
                  {baselines.length === 0 ? (
                    <Empty>None: ORCA, CIS, CISA ScubaGear and Maester stay as they are.</Empty>
                  ) : (
                    <ul>
                      {baselines.map((b) => (
                        <li key={`${b.change}:${b.scanner}:${b.check}`}>
                          {b.scanner} {b.check}: {b.title}
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
                {p.notices.length > 0 && (
                  <FoldedPanel
                    className="notice"
                    title="Good to know"
                    summary={`${p.notices.length} note${p.notices.length === 1 ? '' : 's'} on this plan, starting with: ${clip(p.notices[0]!, 70)}`}
                  >
                    <ul>
                      {p.notices.map((n) => (
                        <li key={n}>{n}</li>
                      ))}
                    </ul>
                  </FoldedPanel>
                )}
              </div>
              <div className="panel">
                <h3>Microsoft limits</h3>
                <LimitGauges changes={p.changes} />
              </div>
            </div>
          </>
        )}
        {tab === 1 && (
          <div className="panel">
            <p>
              The same changes as Exchange Online PowerShell, if you prefer to run them yourself (
              <code>Connect-ExchangeOnline</code> first).
            </p>
            <Actions>
              <button type="button" onClick={ps}>
                Download PowerShell script
              </button>
              <button
                type="button"
                onClick={() =>
                  navigator.clipboard
                    .writeText(r.powershell)
                    .catch(() => saveText('passage-plan.ps1', r.powershell))
                }
              >
                Copy
              </button>
            </Actions>
            <pre className="powershell" tabIndex={0} aria-label="PowerShell script">
              {r.powershell}
            </pre>
          </div>
        )}
        {tab === 2 && (
          <div className="panel">
            <p>
              Where {p.vendor.name}’s typical messages land today and after this plan, from
              passage’s model of Defender’s filtering.
            </p>
            {!r.simulation || r.simulation.rows.length === 0 ? (
              <Empty>No typical messages to evaluate for this vendor.</Empty>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="simulation">
                  <thead>
                    <tr>
                      <th scope="col">Message</th>
                      <th scope="col">Recipient</th>
                      <th scope="col">Today</th>
                      <th scope="col">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.simulation.rows.map((row, i) => (
                      <tr key={`${row.label}:${row.recipient}:${i}`}>
                        <td>{row.label}</td>
                        <td>{row.recipient}</td>
                        <td>
                          <ActionBadge action={row.before.action} />
                          {row.before.decidedBy && (
                            <span className="small muted"> {row.before.decidedBy.name}</span>
                          )}
                        </td>
                        <td>
                          {row.after ? <ActionBadge action={row.after.action} /> : '—'}
                          {row.fixed && <span className="badge ok">fixed</span>}
                          {row.unfixable && (
                            <span className="badge risk-high">no allow can fix this</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {r.simulation && r.simulation.rows.length > 0 && (
              <MailPaths simulation={r.simulation} journeys={r.journeys} />
            )}
          </div>
        )}
      </div>
      <ErrorPanel error={error} />
      <Actions>
        <button type="button" onClick={() => go(3)}>
          Change the choices
        </button>
        <button
          type="button"
          className="primary"
          onClick={() => go(5)}
          disabled={p.changes.length === 0}
        >
          Apply {p.changes.length} change{p.changes.length === 1 ? '' : 's'}
        </button>
      </Actions>
      <p className="muted small">
        Plan {p.hash.slice(0, 12)} · {p.mode === 'recipe' ? 'vendor recipe' : 'least risky'}
      </p>
    </section>
  )
}
