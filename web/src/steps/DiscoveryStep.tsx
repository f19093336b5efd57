import { useCallback, useEffect, useState } from 'react'
import { api } from '../api'
import { Actions, asApiError, Empty, ErrorPanel, Loading, StepHeader } from '../components'
import type { ApiErrorBody, Discovery } from '../types'
import type { StepProps } from '../App'

export function DiscoveryStep({ w, update, go }: StepProps) {
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState(false)
  const d = w.discovery

  const run = useCallback(async () => {
    if (!w.connection) return
    setBusy(true)
    setError(null)
    try {
      const r = await api<{ discovery: Discovery }>('POST', '/api/discovery', {
        connection: w.connection.id,
        ...(w.choice ? { vendor: w.choice } : {}),
      })
      update({ discovery: r.discovery, selection: null, planResult: null })
    } catch (e) {
      setError(asApiError(e))
    } finally {
      setBusy(false)
    }
  }, [w.connection, w.choice, update])

  useEffect(() => {
    if (!w.discovery && w.connection) void run()
    // Only when arriving without a discovery.
  }, [])

  if (!w.connection)
    return (
      <section>
        <StepHeader title="Discovery" intro="Sign in first: discovery reads your tenant." />
        <Actions>
          <button type="button" className="primary" onClick={() => go(1)}>
            Go to sign-in
          </button>
        </Actions>
      </section>
    )

  return (
    <section>
      <StepHeader
        title="What your tenant has today"
        intro={`Passage read ${w.connection.tenant} as ${w.connection.actor}: licences, your roles, mail routing, the policies in force and what already exists for ${w.vendor?.name ?? 'the vendor'}. Nothing has been changed.`}
      />
      {busy && <Loading label="Reading your tenant… this takes a few seconds." />}
      <ErrorPanel error={error}>
        <Actions>
          <button type="button" onClick={() => go(1)}>
            Sign in as another admin
          </button>
          <button type="button" onClick={run}>
            Try again
          </button>
        </Actions>
      </ErrorPanel>
      {d && !busy && (
        <>
          <div className="cards">
            <div className="panel">
              <h3>Tenant</h3>
              <p>
                <strong>{d.tenant.displayName || d.tenant.name}</strong>
                <br />
                <span className="muted">{d.tenant.name}</span>
              </p>
              <p className="muted small">Accepted domains: {d.acceptedDomains.join(', ')}</p>
            </div>
            <div className="panel">
              <h3>Licence</h3>
              <p>
                <strong>{d.licence.name}</strong>
              </p>
              <p className="muted small">
                {d.licence.defender
                  ? `Safe Links and Safe Attachments are available${d.licence.defenderFrom.length ? ` (from ${d.licence.defenderFrom.join(', ')})` : ''}.`
                  : 'No Defender for Office 365: Safe Links and Safe Attachments options are hidden.'}
              </p>
              <p className="muted small" data-testid="licence-how">
                {d.licence.how}
              </p>
            </div>
            <div
              className={`panel ${d.roles.canChange === false ? 'warn-panel' : ''}`}
              data-testid="roles"
            >
              <h3>Your roles</h3>
              <p>
                <strong>
                  {d.roles.names ? d.roles.names.join(', ') || 'No administrator role' : 'Unknown'}
                </strong>
              </p>
              <p className="small">{d.roles.note}</p>
            </div>
            <div className="panel">
              <h3>API access</h3>
              <p>
                <span className="badge ok">Reachable</span>
              </p>
              <p className="muted small">
                Read with {d.api.calls} requests in {(d.api.ms / 1000).toFixed(1)} s.
              </p>
            </div>
            <div className="panel">
              <h3>Mail routing (MX)</h3>
              <p>
                <strong>
                  {d.mx.route === 'gateway'
                    ? `Through ${d.mx.gateway ?? 'a gateway'}`
                    : d.mx.guess
                      ? 'Probably straight to Microsoft 365'
                      : 'Straight to Microsoft 365'}
                </strong>
                {d.mx.guess && <span className="badge risk-medium">Not confirmed</span>}
              </p>
              <p className="muted small">{d.mx.how.charAt(0).toUpperCase() + d.mx.how.slice(1)}.</p>
            </div>
            <div className="panel">
              <h3>Preset security policies</h3>
              {d.presets.length === 0 ? (
                <p className="muted small">None in force: your own policies decide.</p>
              ) : (
                <ul className="small">
                  {d.presets.map((p) => (
                    <li key={p.name}>
                      {p.preset} ({p.kind === 'ATP' ? 'Defender' : 'EOP'}), {p.state.toLowerCase()},
                      for {p.scope.length ? p.scope.join(', ') : 'everyone'}
                      {p.groups.length > 0 && (
                        <span className="muted" data-testid="preset-groups">
                          {' '}
                          (
                          {p.groups
                            .map((g) =>
                              g.members === null
                                ? `${g.address}: members unknown`
                                : `${g.address}: ${g.members} ${g.members === 1 ? 'person' : 'people'}`,
                            )
                            .join('; ')}
                          )
                        </span>
                      )}
                    </li>
                  ))}
                </ul>
              )}
              {d.groupsFrom && (
                <p className="muted small">
                  Group members read from {d.groupsFrom}: who a preset covers is shown per person.
                </p>
              )}
            </div>
          </div>
          {d.notes.length > 0 && (
            <div className="panel" data-testid="discovery-notes">
              <h3>What passage could not read directly</h3>
              <ul className="small">
                {d.notes.map((n) => (
                  <li key={n}>{n}</li>
                ))}
              </ul>
            </div>
          )}
          <div className="two-col">
            <div className="panel">
              <h3>Other tools managing these settings</h3>
              {d.coManagers.length === 0 ? (
                <Empty>None found.</Empty>
              ) : (
                <ul>
                  {d.coManagers.map((c) => (
                    <li key={c.tool}>
                      <strong>{c.tool}</strong>: {c.objects.join('; ')}
                      <br />
                      <span className="small muted">May revert: {c.mayRevert}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            <div className="panel" data-testid="existing">
              <h3>Already there for {w.vendor?.name ?? 'this vendor'}</h3>
              {d.existing.length === 0 ? (
                <Empty>Nothing yet: no rule, allow entry or policy mentions it.</Empty>
              ) : (
                <ul>
                  {d.existing.map((o) => (
                    <li key={`${o.kind}:${o.name}`}>
                      {o.kind}: <strong>{o.name}</strong>
                      {o.managedByPassage && <span className="badge ok">made by passage</span>}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
          <details className="panel">
            <summary>Everything passage read</summary>
            <table className="table">
              <tbody>
                {d.counts.map((c) => (
                  <tr key={c.label}>
                    <th scope="row">{c.label}</th>
                    <td>{c.count ?? 'not available (no Defender)'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          <Actions>
            <button type="button" onClick={run}>
              Read again
            </button>
            <button type="button" className="primary" onClick={() => go(3)} disabled={!w.vendor}>
              Choose protections
            </button>
          </Actions>
        </>
      )}
    </section>
  )
}
