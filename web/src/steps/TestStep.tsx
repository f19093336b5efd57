import { useState, type FormEvent } from 'react'
import { api } from '../api'
import { JourneyDiagram } from '../journey/JourneyDiagram'
import {
  ActionBadge,
  Actions,
  asApiError,
  Empty,
  ErrorPanel,
  Loading,
  StepHeader,
  when,
} from '../components'
import type { ApiErrorBody, Delivery, Explanation } from '../types'
import type { StepProps } from '../App'

export function TestStep({ w, go }: StepProps) {
  const [report, setReport] = useState<Delivery | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState<'send' | 'trace' | null>(null)
  const [headers, setHeaders] = useState('')
  const [explained, setExplained] = useState<Explanation | null>(null)
  const [explainError, setExplainError] = useState<ApiErrorBody | null>(null)
  const sandbox = !!w.info?.sandbox

  const run = async (send: boolean) => {
    if (!w.connection || !w.choice) return
    setBusy(send ? 'send' : 'trace')
    setError(null)
    try {
      const r = await api<{ delivery: Delivery }>('POST', '/api/delivery', {
        connection: w.connection.id,
        vendor: w.choice,
        send,
      })
      setReport(r.delivery)
    } catch (e) {
      setError(asApiError(e))
    } finally {
      setBusy(null)
    }
  }

  const explain = async (e: FormEvent) => {
    e.preventDefault()
    setExplainError(null)
    setExplained(null)
    try {
      const r = await api<{ explanation: Explanation }>('POST', '/api/headers/explain', {
        headers,
        ...(w.choice ? { vendor: w.choice } : {}),
      })
      setExplained(r.explanation)
    } catch (err) {
      setExplainError(asApiError(err))
    }
  }

  const vendorName = w.vendor?.name ?? 'the vendor'
  return (
    <section>
      <StepHeader
        title="Test delivery"
        intro={`See where ${vendorName}’s mail actually lands: message trace and quarantine for the last two days, or a message’s headers explained.`}
      />
      {!w.connection || !w.choice ? (
        <Actions>
          <button type="button" className="primary" onClick={() => go(w.choice ? 1 : 0)}>
            {w.choice ? 'Sign in first' : 'Choose a vendor first'}
          </button>
        </Actions>
      ) : (
        <div className="panel">
          <h3>Message trace and quarantine</h3>
          <Actions>
            {sandbox && (
              <button
                type="button"
                className="primary"
                onClick={() => run(true)}
                disabled={busy !== null}
              >
                {busy === 'send' ? 'Sending…' : `Send ${vendorName}’s test messages`}
              </button>
            )}
            <button type="button" onClick={() => run(false)} disabled={busy !== null}>
              {busy === 'trace' ? 'Looking…' : 'Look up the last 48 hours'}
            </button>
          </Actions>
          {busy && <Loading label="Reading message trace and quarantine…" />}
          <ErrorPanel error={error} />
          {report && (
            <>
              <p className="small muted">
                {report.sent
                  ? `${report.sent} test message${report.sent === 1 ? '' : 's'} sent. `
                  : ''}
                {when(report.window.start)} to {when(report.window.end)}.
              </p>
              {report.messages.length === 0 ? (
                <Empty>
                  {report.sent
                    ? 'Nothing has arrived yet: message trace can take a few minutes. Look again shortly.'
                    : `No mail from ${vendorName} in this window. Send a test from ${vendorName}’s own console, wait a few minutes for message trace, or look further back; if it still finds nothing, check the vendor’s sending IPs and domains in the first step.`}
                </Empty>
              ) : (
                <div className="table-wrap">
                  <table className="table" data-testid="delivery">
                    <thead>
                      <tr>
                        <th scope="col">Received</th>
                        <th scope="col">From → to</th>
                        <th scope="col">Subject</th>
                        <th scope="col">Landed in</th>
                        <th scope="col">Why</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.messages.map((m) => (
                        <tr key={`${m.messageId}:${m.recipient}`}>
                          <td>{when(m.received)}</td>
                          <td>
                            {m.sender} → {m.recipient}
                          </td>
                          <td>{m.subject}</td>
                          <td>
                            <ActionBadge action={m.fate} />
                            {m.quarantine?.policy && (
                              <span className="small muted"> {m.quarantine.policy}</span>
                            )}
                          </td>
                          <td className="small">{m.reason}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </>
          )}
        </div>
      )}
      <form className="panel" onSubmit={explain}>
        <h3>Explain a message’s headers</h3>
        <label className="field">
          <span>
            Paste the headers of a message {vendorName} sent (Outlook: File › Properties › Internet
            headers)
          </span>
          <textarea
            value={headers}
            onChange={(e) => setHeaders(e.target.value)}
            rows={8}
            spellCheck={false}
          />
        </label>
        <Actions>
          <button type="submit" disabled={!headers.trim()}>
            Explain
          </button>
        </Actions>
        <ErrorPanel error={explainError} />
        {explained && (
          <div className="explained" data-testid="explanation">
            <p>
              Verdict: <strong>{explained.verdict}</strong>
              {explained.category !== 'none' && ` (${explained.category})`}
              {!explained.trusted && ' — not stamped by your own tenant, so treat it with care'}
            </p>
            <JourneyDiagram
              journey={explained.journey}
              caption="The message’s path, as its headers tell it"
              when="headers"
            />
            <ul>
              {explained.lines.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          </div>
        )}
      </form>
      <Actions>
        <button type="button" className="primary" onClick={() => go(7)}>
          History and undo
        </button>
      </Actions>
    </section>
  )
}
