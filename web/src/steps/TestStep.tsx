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
        {explained && <ExplainedHeaders e={explained} />}
      </form>
      <Actions>
        <button type="button" className="primary" onClick={() => go(7)}>
          History and undo
        </button>
      </Actions>
    </section>
  )
}

/**
 * Pasted headers explained in words: what Microsoft decided, what it found, why and at which
 * stage, whether the headers can be trusted; the path drawn; each finding with the header line
 * it comes from in a table folded away (never the CLI's `explain` lines).
 */
function ExplainedHeaders({ e }: { e: Explanation }) {
  const v = e.vendorCheck
  return (
    <div className="explained" data-testid="explanation">
      <dl className="facts">
        <dt>What Microsoft decided</dt>
        <dd data-testid="explained-decision">{e.decision}</dd>
        <dt>What filtering found</dt>
        <dd>{e.detected}</dd>
        <dt>Why</dt>
        <dd>{e.why}</dd>
        <dt>Which stage decided</dt>
        <dd>{e.stage ?? 'The headers do not say.'}</dd>
        <dt>Can these headers be trusted?</dt>
        <dd>
          {e.trust}
          {e.trustBasis.length > 0 && (
            <ul className="small muted">
              {e.trustBasis.map((b, i) => (
                <li key={i}>{b}</li>
              ))}
            </ul>
          )}
        </dd>
        {e.levels.length > 0 && (
          <>
            <dt>Spam and bulk levels</dt>
            {e.levels.map((l, i) => (
              <dd key={i}>{l}</dd>
            ))}
          </>
        )}
        {e.authentication && (
          <>
            <dt>Authentication</dt>
            <dd>{e.authentication}</dd>
          </>
        )}
        {v && (
          <>
            <dt>The vendor’s configuration</dt>
            <dd>
              {v.matched
                ? 'This message is from the vendor'
                : 'This message is not from the vendor'}
              {v.tookEffect === 'unknown'
                ? '; whether its configuration took effect cannot be told from these headers.'
                : v.tookEffect
                  ? '; its configuration took effect.'
                  : '; its configuration did not take effect.'}
              {v.advice.length > 0 && (
                <ul>
                  {v.advice.map((a, i) => (
                    <li key={i}>{a}</li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
      </dl>
      <JourneyDiagram
        journey={e.journey}
        caption="The message’s path, as its headers tell it"
        when="headers"
      />
      {e.findings.length > 0 && (
        <>
          <h4>Notes and warnings</h4>
          <ul>
            {e.findings.map((f, i) => (
              <li key={i}>{f}</li>
            ))}
          </ul>
        </>
      )}
      {e.evidence.length > 0 && (
        <details data-testid="explained-evidence">
          <summary>
            What this rests on: {e.evidence.length} header line{e.evidence.length === 1 ? '' : 's'}
          </summary>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Finding</th>
                  <th scope="col">Header</th>
                </tr>
              </thead>
              <tbody>
                {e.evidence.map((x, i) => (
                  <tr key={i}>
                    <td>{x.finding}</td>
                    <td>
                      <code>{x.header}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </div>
  )
}
