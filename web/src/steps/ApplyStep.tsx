import { useEffect, useRef, useState } from 'react'
import { api, sleep } from '../api'
import { Actions, asApiError, ErrorPanel, Loading, StepHeader } from '../components'
import type { ApiErrorBody, ApplyJob, CheckResult, JobStep } from '../types'
import type { StepProps } from '../App'

const STATUS: Record<JobStep['status'], string> = {
  pending: 'Waiting',
  running: 'Running…',
  done: 'Done',
  failed: 'Failed',
  'not-run': 'Not run',
  'rolled-back': 'Undone',
}

/** Errors where signing in as another admin is the way on (the account may not do this). */
const SIGN_IN_AGAIN = new Set(['PASSAGE_E_EXO_ROLE_MISSING', 'PASSAGE_E_EXO_API_DISABLED'])

/** One apply per plan, sign-in and attempt, however often the step is shown. */
const starts = new Map<string, Promise<ApplyJob>>()
function startOnce(connection: string, planHash: string, attempt: number): Promise<ApplyJob> {
  const key = `${connection}:${planHash}:${attempt}`
  let p = starts.get(key)
  if (!p) {
    p = api<{ job: ApplyJob }>('POST', '/api/apply', { connection, planHash }).then((r) => r.job)
    starts.set(key, p)
    p.catch(() => starts.delete(key))
  }
  return p
}

export function ApplyStep({ w, update, go }: StepProps) {
  const [job, setJob] = useState<ApplyJob | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [check, setCheck] = useState<CheckResult | null>(null)
  const [checkError, setCheckError] = useState<ApiErrorBody | null>(null)
  const [checking, setChecking] = useState(false)
  const plan = w.planResult?.plan
  // Nothing is changed until the admin confirms, as for Undo; a plan already started (coming
  // back to this step) needs no second confirmation.
  const [confirmed, setConfirmed] = useState(!!plan && w.job?.planHash === plan.hash)
  // A failed apply resumes as a new attempt of the same plan (the journal makes it continue).
  const [attempt, setAttempt] = useState(0)
  const dialog = useRef<HTMLDialogElement>(null)
  const asking = !!plan && !!w.connection && !confirmed

  useEffect(() => {
    if (asking) dialog.current?.showModal()
    else dialog.current?.close()
  }, [asking])

  useEffect(() => {
    if (!plan || !w.connection || !confirmed) return
    let stop = false
    const follow = async (id: string) => {
      while (!stop) {
        try {
          const r = await api<{ job: ApplyJob }>('GET', `/api/apply/${id}`)
          setJob(r.job)
          if (r.job.status !== 'running') return
        } catch (e) {
          setError(asApiError(e))
          return
        }
        await sleep(400)
      }
    }
    void (async () => {
      try {
        const first = await startOnce(w.connection!.id, plan.hash, attempt)
        if (stop) return
        setJob((j) => (j && j.id === first.id ? j : first))
        update({ job: { id: first.id, planHash: plan.hash } })
        await follow(first.id)
      } catch (e) {
        setError(asApiError(e))
      }
    })()
    return () => {
      stop = true
    }
  }, [plan, w.connection, update, confirmed, attempt])

  const resume = () => {
    setError(null)
    setCheck(null)
    setJob(null)
    setAttempt((a) => a + 1)
  }

  const runCheck = async () => {
    if (!w.connection || !plan) return
    setChecking(true)
    setCheckError(null)
    setCheck(null)
    try {
      const r = await api<{ check: CheckResult }>('POST', '/api/check', {
        connection: w.connection.id,
        planHash: plan.hash,
      })
      setCheck(r.check)
    } catch (e) {
      setCheckError(asApiError(e))
    } finally {
      setChecking(false)
    }
  }

  if (!plan)
    return (
      <section>
        <StepHeader title="Apply" intro="Review the plan first." />
        <Actions>
          <button type="button" className="primary" onClick={() => go(4)}>
            Go to the summary
          </button>
        </Actions>
      </section>
    )

  const count = `${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'}`
  if (!confirmed)
    return (
      <section>
        <StepHeader
          title={`Apply ${count} to ${plan.tenant.name}?`}
          intro="Nothing has been changed yet."
        />
        <dialog ref={dialog} onClose={() => go(4)} aria-labelledby="apply-confirm-title">
          <h3 id="apply-confirm-title">
            Apply {count} to {plan.tenant.name}?
          </h3>
          <p>
            Passage will make the {count} you reviewed for {plan.vendor.name}, and nothing else. The
            current state of every object is recorded first, so History can undo exactly this apply.
          </p>
          <Actions>
            <button type="button" onClick={() => go(4)} autoFocus>
              Back to the review
            </button>
            <button type="button" className="primary" onClick={() => setConfirmed(true)}>
              Yes, apply {count}
            </button>
          </Actions>
        </dialog>
        <Actions>
          <button type="button" onClick={() => go(4)}>
            Back to the review
          </button>
          <button type="button" className="primary" onClick={() => dialog.current?.showModal()}>
            Apply {count}
          </button>
        </Actions>
      </section>
    )

  const finished = job && job.status !== 'running'
  const nothingChanged = finished && job.done === 0 && !job.alreadyApplied
  const failure = job?.error ?? error

  return (
    <section>
      <StepHeader
        title={`Applying ${plan.changes.length} change${plan.changes.length === 1 ? '' : 's'} to ${plan.tenant.name}`}
        intro="Each object’s current state is recorded before it is changed, so that History can undo exactly this."
      />
      {!job && !error && <Loading label="Starting…" />}
      {job && (
        <ol className="progress" aria-live="polite" aria-label="Progress">
          {job.steps.map((s) => (
            <li key={s.changeId} className={`step-${s.status}`} data-status={s.status}>
              <span className="icon" aria-hidden="true">
                {s.status === 'done'
                  ? '✓'
                  : s.status === 'failed'
                    ? '✕'
                    : s.status === 'running'
                      ? '…'
                      : '•'}
              </span>
              <span className="what">{s.summary}</span>
              <span className="status">{STATUS[s.status]}</span>
              {s.note && <span className="small muted"> ({s.note})</span>}
            </li>
          ))}
        </ol>
      )}
      {finished && job.status === 'done' && (
        <div className="panel ok-panel" role="status">
          <p>
            {job.alreadyApplied
              ? 'This plan had already been applied: nothing needed doing.'
              : `All ${job.done} change${job.done === 1 ? '' : 's'} applied.`}{' '}
            Now check that the configuration is in effect for your users.
          </p>
          <Actions>
            <button type="button" className="primary" onClick={runCheck} disabled={checking}>
              {checking ? 'Checking…' : 'Check configuration'}
            </button>
          </Actions>
        </div>
      )}
      {finished && job.status !== 'done' && (
        <ErrorPanel error={failure}>
          <p className="strong" data-testid="apply-outcome">
            {nothingChanged
              ? 'Nothing was changed in your tenant.'
              : `${job.done} of ${job.steps.length} change${job.steps.length === 1 ? '' : 's'} ${job.done === 1 ? 'was' : 'were'} applied before the failure: fix the cause and resume (passage carries on where it stopped), or undo what was applied.`}
          </p>
          <Actions>
            {failure && SIGN_IN_AGAIN.has(failure.code) && (
              <button type="button" onClick={() => go(1)}>
                Sign in as another admin
              </button>
            )}
            {!nothingChanged && (
              <button type="button" onClick={() => go(7)}>
                Undo what was applied
              </button>
            )}
            <button type="button" className="primary" onClick={resume}>
              {nothingChanged ? 'Try the apply again' : 'Resume the apply'}
            </button>
          </Actions>
        </ErrorPanel>
      )}
      {!job && error && <ErrorPanel error={error} />}
      {checking && <Loading label="Reading back every change…" />}
      {check &&
        (check.green ? (
          <p className="green-confirmation" role="status" data-testid="check-green">
            ✓ The configuration is in effect: all {check.checked} change
            {check.checked === 1 ? '' : 's'} for {check.vendor} are in place and nothing overrides
            them.
          </p>
        ) : (
          <div className="panel error-panel" role="alert">
            <h3>Not fully in effect</h3>
            <ul>
              {check.findings.map((f) => (
                <li key={`${f.changeId}:${f.problem}`}>
                  <strong>{f.problem}</strong>
                  <br />
                  {f.diagnosis}
                  <br />
                  <span className="small">What to do: {f.fix}</span>
                </li>
              ))}
            </ul>
          </div>
        ))}
      <ErrorPanel error={checkError} />
      {finished && job.status === 'done' && (
        <Actions>
          <button type="button" onClick={() => go(7)}>
            History and undo
          </button>
          <button type="button" className="primary" onClick={() => go(6)}>
            Test delivery
          </button>
        </Actions>
      )}
    </section>
  )
}
