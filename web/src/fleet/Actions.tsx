// The fleet actions (plan, canary + apply, check, rollback), queued as jobs by the server, and
// their live progress (polled every half second until every job of the plan has finished).
import { useCallback, useEffect, useState } from 'react'
import { api, sleep } from '../api'
import { asApiError, ErrorPanel } from '../components'
import type { ApiErrorBody } from '../types'
import type { Action, FleetPlanSummary, Progress } from './types'

const DONE_STATES = ['done', 'nothing', 'refused', 'no-access', 'failed', 'cancelled']

function ProgressView({ p }: { p: Progress }) {
  const action = p.run?.action ?? 'plan'
  const counts = p.counts[action] ?? {}
  const total = Object.values(counts).reduce((n: number, c) => n + (c ?? 0), 0)
  const finished = DONE_STATES.reduce((n, s) => n + (counts[s] ?? 0), 0)
  return (
    <div className="panel" aria-live="polite" data-testid="fleet-progress">
      <h4>
        {action} of {p.fleetPlanId} ({p.vendor}):{' '}
        <span data-testid="fleet-progress-status">
          {p.finished ? (p.run?.status ?? 'done') : 'running'}
        </span>
      </h4>
      <progress max={Math.max(total, 1)} value={finished} aria-label={`${action} progress`} />
      <p className="small">
        {finished} of {total} tenants finished
        {Object.entries(counts)
          .filter(([, n]) => n)
          .map(([s, n]) => ` · ${n} ${s}`)
          .join('')}
      </p>
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
  const [watching, setWatching] = useState<string | null>(null)

  const loadPlans = useCallback(() => {
    api<{ plans: FleetPlanSummary[] }>('GET', '/api/fleet/plans')
      .then((r) => {
        setPlans(r.plans)
        setChosen((c) => c || r.plans[0]?.id || '')
      })
      .catch((e: unknown) => setError(asApiError(e)))
  }, [])
  useEffect(loadPlans, [loadPlans])

  useEffect(() => {
    if (!watching) return
    let live = true
    void (async () => {
      while (live) {
        try {
          const p = await api<Progress>('GET', `/api/fleet/progress/${watching}`)
          if (!live) return
          setProgress(p)
          if (p.finished) {
            onChanged()
            loadPlans()
            return
          }
        } catch (e) {
          setError(asApiError(e))
          return
        }
        await sleep(500)
      }
    })()
    return () => {
      live = false
    }
  }, [watching, onChanged, loadPlans])

  async function act(action: Action, body: Record<string, unknown>) {
    setError(null)
    try {
      const r = await api<{ fleetPlanId: string }>('POST', `/api/fleet/${action}`, body)
      setProgress(null)
      setWatching(null)
      setWatching(r.fleetPlanId)
      if (action === 'plan') setChosen(r.fleetPlanId)
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
