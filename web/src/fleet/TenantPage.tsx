// One fleet tenant: its last fleet plan and that plan's changes, the last check's findings, and
// every fleet action that touched it.
import { useEffect, useRef, useState } from 'react'
import { api, sleep } from '../api'
import { asApiError, ErrorPanel } from '../components'
import type { ApiErrorBody } from '../types'
import type { TenantDetail } from './types'

export function TenantPage({
  id,
  onBack,
  actions,
}: {
  id: string
  onBack: () => void
  actions: boolean
}) {
  const [d, setD] = useState<TenantDetail | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [confirm, setConfirm] = useState(false)
  const [undo, setUndo] = useState<string | null>(null)
  const heading = useRef<HTMLHeadingElement>(null)
  const path = `/api/fleet/tenants/${encodeURIComponent(id)}`

  useEffect(() => {
    api<TenantDetail>('GET', path)
      .then(setD)
      .catch((e: unknown) => setError(asApiError(e)))
  }, [path])
  // Focus the heading once, when the tenant first shows (not on every refresh of an undo).
  const loaded = d !== null
  useEffect(() => {
    if (loaded) heading.current?.focus()
  }, [loaded])

  /** Undo this tenant's apply of its last fleet plan, then follow the rollback item to its end. */
  async function undoApply(fleetPlanId: string) {
    setError(null)
    try {
      await api('POST', `${path}/rollback`, { fleetPlanId, confirm: true })
      setUndo('queued')
      for (;;) {
        await sleep(700)
        const next = await api<TenantDetail>('GET', path)
        setD(next)
        const item = next.history.find(
          (h) => h.fleetPlanId === fleetPlanId && h.action === 'rollback',
        )
        setUndo(item?.state ?? 'queued')
        if (item && item.state !== 'queued' && item.state !== 'running') return
      }
    } catch (e) {
      setError(asApiError(e))
    }
  }

  return (
    <section aria-labelledby="fleet-tenant-h" data-testid="fleet-tenant">
      <button type="button" onClick={onBack}>
        ← Back to the fleet
      </button>
      <ErrorPanel error={error} />
      {d && (
        <>
          <div className="step-header">
            <h2 id="fleet-tenant-h" tabIndex={-1} ref={heading}>
              {d.tenant.name}
            </h2>
            <p className="small muted">
              {d.tenant.tenantId} · {d.tenant.state} · access: {d.tenant.access}
              {d.tenant.tags.length ? ` · tags: ${d.tenant.tags.join(', ')}` : ''}
            </p>
          </div>
          <div className="panel">
            <h3>Last fleet plan</h3>
            {d.lastPlan ? (
              <>
                <p>
                  {d.lastPlan.fleetPlanId} for {d.lastPlan.vendor ?? 'an unknown vendor'}, made{' '}
                  {d.lastPlan.createdAt.slice(0, 16).replace('T', ' ')}: {d.tenant.planned}
                  {d.tenant.applied ? `; applied: ${d.tenant.applied}` : '; not applied'}
                </p>
                {actions &&
                  d.history.some(
                    (h) =>
                      h.fleetPlanId === d.lastPlan?.fleetPlanId &&
                      h.action === 'apply' &&
                      h.runId !== null,
                  ) && (
                    <div className="filters">
                      <label className="radio">
                        <input
                          type="checkbox"
                          checked={confirm}
                          onChange={(e) => setConfirm(e.target.checked)}
                        />{' '}
                        Undo what this plan changed in this tenant
                      </label>
                      <button
                        type="button"
                        className="danger"
                        disabled={
                          !confirm || (undo !== null && undo !== 'done' && undo !== 'failed')
                        }
                        onClick={() => void undoApply(d.lastPlan!.fleetPlanId)}
                      >
                        Undo in this tenant
                      </button>
                      {undo && (
                        <span role="status" data-testid="fleet-tenant-undo">
                          Undo: {undo}
                        </span>
                      )}
                    </div>
                  )}
                {d.lastPlan.changes.length > 0 && (
                  <ul className="changes" data-testid="fleet-tenant-changes">
                    {d.lastPlan.changes.map((c) => (
                      <li key={c.id}>
                        <span className={`risk-${c.risk}`}>{c.risk}</span> {c.summary}
                      </li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              <p>No fleet plan has named this tenant yet.</p>
            )}
          </div>
          <div className="panel" data-testid="fleet-tenant-check">
            <h3>Last check</h3>
            {d.check ? (
              <>
                <p className={`check-${d.check.verdict}`}>
                  {d.check.verdict === 'green'
                    ? 'Green: the vendor’s configuration is in effect.'
                    : d.check.verdict === 'red'
                      ? `Red: ${d.check.findings} finding${d.check.findings === 1 ? '' : 's'}.`
                      : `Not known (${d.check.state}).`}{' '}
                  Checked {d.check.at.slice(0, 16).replace('T', ' ')}.
                  {d.check.soonestExpiry
                    ? ` Soonest allow entry expiry: ${d.check.soonestExpiry.slice(0, 10)}.`
                    : ''}
                </p>
                {d.check.problems.length > 0 && (
                  <ul>
                    {d.check.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </>
            ) : (
              <p>Not checked by a fleet check yet.</p>
            )}
          </div>
          <div className="table-wrap">
            <table className="table">
              <caption>History</caption>
              <thead>
                <tr>
                  <th scope="col">Fleet plan</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Action</th>
                  <th scope="col">State</th>
                  <th scope="col">Run</th>
                  <th scope="col">When</th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {d.history.map((h) => (
                  <tr key={`${h.fleetPlanId}/${h.action}`}>
                    <td>{h.fleetPlanId}</td>
                    <td>{h.vendor ?? '—'}</td>
                    <td>{h.action}</td>
                    <td>{h.state}</td>
                    <td className="small">
                      {h.runId !== null
                        ? `#${h.runId}${h.runStatus ? ` ${h.runStatus}` : ''}`
                        : '—'}
                    </td>
                    <td className="small">{h.updatedAt.slice(0, 16).replace('T', ' ')}</td>
                    <td className="small muted">{h.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  )
}
