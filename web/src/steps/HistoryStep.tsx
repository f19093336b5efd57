import { useCallback, useEffect, useRef, useState } from 'react'
import { api } from '../api'
import { Actions, asApiError, Empty, ErrorPanel, Loading, StepHeader, when } from '../components'
import type { ApiErrorBody, RollbackResult, Run, RunDetail } from '../types'
import type { StepProps } from '../App'

const KIND: Record<Run['kind'], string> = {
  apply: 'Apply',
  check: 'Check',
  rollback: 'Undo',
  test: 'Test',
}

/** Run statuses in words. */
const STATUS: Record<string, string> = {
  running: 'running',
  done: 'done',
  failed: 'failed',
  interrupted: 'interrupted',
  'rolled-back': 'undone',
}

export function HistoryStep({ w, update, go }: StepProps) {
  const [runs, setRuns] = useState<Run[] | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [open, setOpen] = useState<RunDetail | null>(null)
  const [confirming, setConfirming] = useState<Run | null>(null)
  const [undoing, setUndoing] = useState(false)
  const [result, setResult] = useState<RollbackResult | null>(null)
  const [undoError, setUndoError] = useState<ApiErrorBody | null>(null)
  const dialog = useRef<HTMLDialogElement>(null)
  const conn = w.connection

  const load = useCallback(async () => {
    if (!conn) return
    try {
      const r = await api<{ runs: Run[] }>(
        'GET',
        `/api/runs?connection=${encodeURIComponent(conn.id)}`,
      )
      setRuns(r.runs)
    } catch (e) {
      setError(asApiError(e))
    }
  }, [conn])

  useEffect(() => {
    void load()
  }, [load])

  useEffect(() => {
    if (confirming) dialog.current?.showModal()
    else dialog.current?.close()
  }, [confirming])

  const details = async (run: Run) => {
    if (!conn) return
    if (open?.run.id === run.id) return setOpen(null)
    try {
      setOpen(
        await api<RunDetail>(
          'GET',
          `/api/runs/${run.id}?connection=${encodeURIComponent(conn.id)}`,
        ),
      )
    } catch (e) {
      setError(asApiError(e))
    }
  }

  const undo = async () => {
    if (!conn || !confirming) return
    setUndoing(true)
    setUndoError(null)
    setResult(null)
    try {
      const r = await api<{ rollback: RollbackResult }>(
        'POST',
        `/api/runs/${confirming.id}/rollback`,
        {
          connection: conn.id,
          confirm: true,
        },
      )
      setResult(r.rollback)
      setConfirming(null)
      // The tenant changed: the plan on screen (and its apply) no longer describe it, so the
      // Summary and Apply steps ask for a new review, made from the tenant as it is now.
      update({ planResult: null, job: null })
      await load()
    } catch (e) {
      setUndoError(asApiError(e))
    } finally {
      setUndoing(false)
    }
  }

  if (!conn)
    return (
      <section>
        <StepHeader
          title="History and undo"
          intro="Sign in to see what passage did in your tenant."
        />
        <Actions>
          <button type="button" className="primary" onClick={() => go(1)}>
            Sign in
          </button>
        </Actions>
      </section>
    )

  return (
    <section>
      <StepHeader
        title={`History of ${conn.tenant}`}
        intro="Every apply, check, test and undo passage ran in this tenant. Undo restores exactly what an apply changed, from the state it recorded before changing it."
      />
      <ErrorPanel error={error} />
      {result && (
        <p className="green-confirmation" role="status" data-testid="undo-result">
          {result.status === 'noop'
            ? 'That apply had already been undone.'
            : result.status === 'done'
              ? `✓ Undone: ${result.steps.length} change${result.steps.length === 1 ? '' : 's'} restored to how they were.`
              : result.status === 'conflict'
                ? 'Undone, except settings someone changed since the apply: they keep their new values; see the run below.'
                : 'Part of the undo failed; see the run below and try again.'}
        </p>
      )}
      {!runs && !error && <Loading label="Loading the history…" />}
      {runs && runs.length === 0 && (
        <Empty>Nothing yet: passage has not changed anything in this tenant.</Empty>
      )}
      {runs && runs.length > 0 && (
        <div className="table-wrap">
          <table className="table runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">What</th>
                <th scope="col">Result</th>
                <th scope="col">When</th>
                <th scope="col">By</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id} data-kind={r.kind} data-status={r.status}>
                  <td>#{r.id}</td>
                  <td>
                    {KIND[r.kind]}
                    {r.plan
                      ? ` · ${r.plan.vendor}, ${r.plan.changes} change${r.plan.changes === 1 ? '' : 's'}`
                      : r.vendorName
                        ? ` · ${r.vendorName}`
                        : ''}
                    {r.summary && <span className="small muted"> ({r.summary})</span>}
                  </td>
                  <td>
                    <span className={`badge status-${r.status}`}>
                      {STATUS[r.status] ?? r.status}
                    </span>
                    {r.errorMessage && <span className="small muted"> {r.errorMessage}</span>}
                  </td>
                  <td>{when(r.startedAt)}</td>
                  <td className="small">{r.actor}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      onClick={() => details(r)}
                      aria-expanded={open?.run.id === r.id}
                    >
                      Details
                    </button>
                    {r.canUndo && (
                      <button type="button" className="danger" onClick={() => setConfirming(r)}>
                        Undo
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {open && (
        <div className="panel" aria-live="polite">
          <h3>
            Run #{open.run.id}: {KIND[open.run.kind]}{' '}
            {open.plan ? `for ${open.plan.vendor.name}` : ''}
          </h3>
          {open.plan ? (
            <ul>
              {open.plan.changes.map((c) => {
                const s = open.steps.find((x) => x.changeId === c.id)
                return (
                  <li key={c.id}>
                    {c.summary} —{' '}
                    <span className={`badge status-${s?.status ?? 'not-run'}`}>
                      {s?.status ?? 'not run'}
                    </span>
                    {s?.errorMessage && <span className="small muted"> {s.errorMessage}</span>}
                  </li>
                )
              })}
            </ul>
          ) : open.run.summary ? (
            <p>{open.run.summary}</p>
          ) : (
            <Empty>No plan is attached to this run.</Empty>
          )}
        </div>
      )}
      <dialog ref={dialog} onClose={() => setConfirming(null)} aria-labelledby="undo-title">
        {confirming && (
          <>
            <h3 id="undo-title">Undo run #{confirming.id}?</h3>
            <p>
              Passage will restore the {confirming.plan?.changes ?? ''} setting
              {confirming.plan?.changes === 1 ? '' : 's'} this apply changed for{' '}
              {confirming.plan?.vendor ?? 'the vendor'} to how they were before it. Anything else
              stays as it is. {confirming.plan?.vendor ?? 'The vendor'}’s mail may be filtered again
              afterwards.
            </p>
            <ErrorPanel error={undoError} />
            <Actions>
              <button type="button" onClick={() => setConfirming(null)} autoFocus>
                Cancel
              </button>
              <button type="button" className="danger" onClick={undo} disabled={undoing}>
                {undoing ? 'Undoing…' : 'Yes, undo it'}
              </button>
            </Actions>
          </>
        )}
      </dialog>
      <Actions>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <button type="button" onClick={() => go(0)}>
          Start again with another vendor
        </button>
      </Actions>
    </section>
  )
}
