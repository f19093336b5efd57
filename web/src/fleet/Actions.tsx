// The fleet actions (plan, canary + apply, check, rollback), queued as jobs by the server, and
// their live progress. The progress is the store's (what the workers wrote), so the page shows
// the chosen fleet plan's last action wherever it was started: here, in another dashboard, or by
// `passage fleet ...` on the command line. It is polled every half second while jobs are pending,
// and every few seconds otherwise (to notice an action started elsewhere).
import { useCallback, useEffect, useState } from 'react'
import { api, sleep } from '../api'
import { asApiError, ErrorPanel } from '../components'
import type { ApiErrorBody } from '../types'
import type { Action, FleetPlanSummary, Progress } from './types'

const DONE_STATES = ['done', 'nothing', 'refused', 'no-access', 'failed', 'cancelled']
const ACTIONS: Action[] = ['plan', 'apply', 'check', 'rollback']

const countsText = (counts: Partial<Record<string, number>>) =>
  Object.entries(counts)
    .filter(([, n]) => n)
    .map(([s, n]) => `${n} ${s}`)
    .join(' · ')

function ProgressView({ p }: { p: Progress }) {
  const action = p.action ?? 'plan'
  const counts = p.counts[action] ?? {}
  const total = Object.values(counts).reduce((n: number, c) => n + (c ?? 0), 0)
  const finished = DONE_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0)
  return (
    <div className="panel" aria-live="polite" data-testid="fleet-progress" data-action={action}>
      <h4>
        {action} of {p.fleetPlanId} ({p.vendor}):{' '}
        <span data-testid="fleet-progress-status">
          {p.finished ? (p.run?.status ?? 'done') : 'running'}
        </span>
      </h4>
      <progress max={Math.max(total, 1)} value={finished} aria-label={`${action} progress`} />
      <p className="small">
        {finished} of {total} tenants finished
        {countsText(counts) ? ` · ${countsText(counts)}` : ''}
      </p>
      <ul className="small" data-testid="fleet-progress-actions">
        {ACTIONS.filter((a) => countsText(p.counts[a] ?? {})).map((a) => (
          <li key={a} data-action={a}>
            {a}: {countsText(p.counts[a] ?? {})}
          </li>
        ))}
      </ul>
      {p.run && p.run.action === action && p.run.waves.length > 0 && (
        <ol className="small" data-testid="fleet-progress-waves">
          {p.run.waves.map((w, i) => (
            <li key={i} data-kind={w.kind}>
              {w.kind} wave: {w.action} on {w.tenants} {w.tenants === 1 ? 'tenant' : 'tenants'}
            </li>
          ))}
        </ol>
      )}
      {p.run?.stopped && <p className="warn-panel">Stopped: {p.run.stopped}</p>}
      <ErrorPanel error={p.run?.error ?? null} />
    </div>
  )
}

export function FleetActions({ vendors, onChanged }: { vendors: string[]; onChanged: () => void }) {
  const [plans, setPlans] = useState<FleetPlanSummary[]>([])
  const [chosen, setChosen] = useState('')
  const [canary, setCanary] = useState(2)
  const [confirm, setConfirm] = useState(false)
  const [vendor, setVendor] = useState('')
  const [selector, setSelector] = useState('all')
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [progress, setProgress] = useState<Progress | null>(null)
  // Bumped when this page starts an action: the poll starts over at once.
  const [kick, setKick] = useState(0)

  const loadPlans = useCallback(() => {
    api<{ plans: FleetPlanSummary[] }>('GET', '/api/fleet/plans')
      .then((r) => {
        setPlans(r.plans)
        // First the plan with an action running (started here or elsewhere), else the newest.
        setChosen((c) => c || r.plans.find((p) => p.running)?.id || r.plans[0]?.id || '')
      })
      .catch((e: unknown) => setError(asApiError(e)))
  }, [])
  useEffect(loadPlans, [loadPlans])

  useEffect(() => {
    setProgress(null)
    if (!chosen) return
    let live = true
    void (async () => {
      let wasFinished: boolean | null = null
      let last: string | null = null
      while (live) {
        try {
          const p = await api<Progress>('GET', `/api/fleet/progress/${chosen}`)
          if (!live) return
          setProgress(p.action ? p : null)
          // An action ended, or one finished elsewhere since the last look: reload the table.
          if (
            (wasFinished === false && p.finished) ||
            (p.finished && last !== null && p.lastUpdate !== last)
          ) {
            onChanged()
            loadPlans()
          }
          wasFinished = p.finished
          last = p.lastUpdate
          await sleep(p.finished ? 2000 : 500)
        } catch (e) {
          if (live) setError(asApiError(e))
          return
        }
      }
    })()
    return () => {
      live = false
    }
  }, [chosen, kick, onChanged, loadPlans])

  async function act(action: Action, body: Record<string, unknown>) {
    setError(null)
    try {
      const r = await api<{ fleetPlanId: string }>('POST', `/api/fleet/${action}`, body)
      if (action === 'plan') loadPlans()
      setChosen(r.fleetPlanId)
      setKick((k) => k + 1)
    } catch (e) {
      setError(asApiError(e))
    }
  }

  return (
    <section className="panel fleet-actions" aria-labelledby="fleet-actions-h">
      <h3 id="fleet-actions-h">Fleet actions</h3>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault()
          void act('plan', { vendor: { id: vendor }, tenants: selector })
        }}
      >
        <div className="field">
          <label htmlFor="fleet-new-vendor">Vendor for a new fleet plan</label>
          <input
            id="fleet-new-vendor"
            list="fleet-vendor-ids"
            value={vendor}
            onChange={(e) => setVendor(e.target.value.trim())}
            placeholder="trustifi"
            required
          />
          <datalist id="fleet-vendor-ids">
            {vendors.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="fleet-new-tenants">Tenants (all, tag:&lt;tag&gt; or a,b,c)</label>
          <input
            id="fleet-new-tenants"
            value={selector}
            onChange={(e) => setSelector(e.target.value)}
            required
          />
        </div>
        <button type="submit">Plan</button>
      </form>
      <div className="filters">
        <div className="field">
          <label htmlFor="fleet-plan-choice">Fleet plan</label>
          <select id="fleet-plan-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {plans.length === 0 && <option value="">No fleet plan yet</option>}
            {plans.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id}: {p.vendor}, {p.tenants} tenants ({p.selector})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="fleet-canary">Canary tenants</label>
          <input
            id="fleet-canary"
            type="number"
            min={0}
            max={64}
            value={canary}
            onChange={(e) => setCanary(Number(e.target.value))}
          />
        </div>
        <button
          type="button"
          className="primary"
          disabled={!chosen}
          onClick={() => void act('apply', { fleetPlanId: chosen, canary })}
        >
          Canary, then apply
        </button>
        <button
          type="button"
          disabled={!chosen}
          onClick={() => void act('check', { fleetPlanId: chosen })}
        >
          Check
        </button>
        <label className="radio">
          <input type="checkbox" checked={confirm} onChange={(e) => setConfirm(e.target.checked)} />{' '}
          I want to roll back every tenant of this plan
        </label>
        <button
          type="button"
          className="danger"
          disabled={!chosen || !confirm}
          onClick={() => void act('rollback', { fleetPlanId: chosen, confirm: true })}
        >
          Roll back
        </button>
      </div>
      <ErrorPanel error={error} />
      {progress && <ProgressView p={progress} />}
    </section>
  )
}
