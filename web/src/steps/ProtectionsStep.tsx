import { useEffect, useState } from 'react'
import { api } from '../api'
import { Actions, asApiError, ErrorPanel, Loading, RiskBadge, StepHeader } from '../components'
import type { ApiErrorBody, PlanResult, ProtectionOption } from '../types'

/**
 * A protection that only a high-risk mechanism can adjust here: never ticked for the admin, but
 * offered as a switch with its consequence written out, so turning it on is a decision.
 */
function OptInCard(props: {
  option: ProtectionOption
  optIn: NonNullable<ProtectionOption['optIn']>
  vendorName: string
  on: boolean
  onChange: (on: boolean) => void
}) {
  const { option: p, optIn, vendorName, on } = props
  const id = `optin-${p.id}`
  return (
    <div className={`protection optin ${on ? 'on' : ''}`} data-protection={p.id} data-optin>
      <div className="check">
        <input
          id={id}
          type="checkbox"
          role="switch"
          aria-checked={on}
          aria-describedby={`${id}-why`}
          checked={on}
          onChange={(e) => props.onChange(e.target.checked)}
        />
        <span>
          <label htmlFor={id}>
            <strong>{p.title}</strong>: allow a high-risk change
          </label>
          {p.recommended && <span className="badge rec">Recommended by {vendorName}</span>}
          <br />
          <span className="muted">{p.description}</span>
        </span>
      </div>
      <p className="small" id={`${id}-why`}>
        <RiskBadge risk={optIn.risk} /> {optIn.consequence} Off unless you turn it on.
      </p>
    </div>
  )
}
import type { StepProps } from '../App'

export interface Selection {
  protections: string[]
  mode: 'recommended' | 'recipe'
  mechanisms: Record<string, string>
  /** Presets the admin chose to take their people out of (turned on in the Summary step). */
  presetExceptions?: string[]
}

export function ProtectionsStep({ w, update, go }: StepProps) {
  const [options, setOptions] = useState<ProtectionOption[] | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [planError, setPlanError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState(false)
  const [sel, setSel] = useState<Selection | null>(w.selection)

  useEffect(() => {
    if (!w.connection || !w.choice || !w.discovery) return
    api<{ protections: ProtectionOption[] }>('POST', '/api/protections/options', {
      connection: w.connection.id,
      vendor: w.choice,
    })
      .then((r) => {
        setOptions(r.protections)
        setSel(
          (s) =>
            s ?? {
              // High-risk mechanisms are never pre-ticked: they are an explicit opt-in below.
              protections: r.protections.filter((p) => p.preselected).map((p) => p.id),
              mode: 'recommended',
              mechanisms: {},
            },
        )
      })
      .catch((e: unknown) => setError(asApiError(e)))
  }, [w.connection, w.choice, w.discovery])

  if (!w.discovery || !w.vendor)
    return (
      <section>
        <StepHeader
          title="Protections"
          intro="Read your tenant first: the options depend on what it has."
        />
        <Actions>
          <button type="button" className="primary" onClick={() => go(w.connection ? 2 : 1)}>
            Go back
          </button>
        </Actions>
      </section>
    )

  const vendorName = w.vendor.name
  const available = options?.filter((p) => p.available) ?? []
  const hidden = options?.filter((p) => !p.available) ?? []

  const toggle = (id: string, on: boolean) =>
    setSel((s) =>
      s
        ? { ...s, protections: on ? [...s.protections, id] : s.protections.filter((x) => x !== id) }
        : s,
    )
  // Opting in to a high-risk mechanism asks for it by name, so the plan uses exactly it.
  const optIn = (id: string, mechanism: string, on: boolean) =>
    setSel((s) => {
      if (!s) return s
      const { [id]: _dropped, ...others } = s.mechanisms
      return {
        ...s,
        protections: on ? [...s.protections, id] : s.protections.filter((x) => x !== id),
        mechanisms: on ? { ...others, [id]: mechanism } : others,
      }
    })

  const review = async () => {
    if (!sel || !w.connection || !w.choice) return
    setBusy(true)
    setPlanError(null)
    try {
      const mechanisms = Object.fromEntries(
        Object.entries(sel.mechanisms).filter(([p, m]) => m && sel.protections.includes(p)),
      )
      const r = await api<PlanResult>('POST', '/api/plan', {
        connection: w.connection.id,
        vendor: w.choice,
        protections: sel.protections,
        mode: sel.mode,
        ...(Object.keys(mechanisms).length ? { mechanisms } : {}),
      })
      update({ selection: sel, planResult: r })
      go(4)
    } catch (e) {
      setPlanError(asApiError(e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <section>
      <StepHeader
        title={`Which protections should let ${vendorName} through?`}
        intro={`${vendorName}’s recommendations are ticked, except high-risk changes: those stay off until you turn them on. For each one passage picks the least risky way that works in your tenant; you can choose another, or follow ${vendorName}’s own recipe.`}
      />
      <ErrorPanel error={error} />
      {!options && !error && <Loading label="Working out what your tenant allows…" />}
      {options && sel && (
        <>
          <fieldset className="panel mode">
            <legend>How to let the mail through</legend>
            <label className="radio">
              <input
                type="radio"
                name="mode"
                value="recommended"
                checked={sel.mode === 'recommended'}
                onChange={() => setSel({ ...sel, mode: 'recommended' })}
              />
              <span>
                <strong>Least risky that works</strong> (recommended): narrow allows scoped to{' '}
                {vendorName}’s own addresses, with an authentication check.
              </span>
            </label>
            <label className="radio">
              <input
                type="radio"
                name="mode"
                value="recipe"
                checked={sel.mode === 'recipe'}
                onChange={() => setSel({ ...sel, mode: 'recipe' })}
              />
              <span>
                <strong>{vendorName}’s own recipe</strong>: what the vendor’s guide does, even where
                a narrower option exists.
              </span>
            </label>
          </fieldset>
          <fieldset className="protections">
            <legend className="sr-only">Protections</legend>
            {available.map((p) => {
              if (!p.defaultMechanism && p.optIn)
                return (
                  <OptInCard
                    key={p.id}
                    option={p}
                    optIn={p.optIn}
                    vendorName={vendorName}
                    on={sel.protections.includes(p.id)}
                    onChange={(on) => optIn(p.id, p.optIn!.id, on)}
                  />
                )
              const on = sel.protections.includes(p.id)
              const chosen = sel.mechanisms[p.id] ?? ''
              const mech =
                p.mechanisms.find((m) => m.id === chosen) ??
                p.mechanisms.find(
                  (m) =>
                    m.id ===
                    (sel.mode === 'recipe' && p.recipeMechanism
                      ? p.recipeMechanism
                      : p.defaultMechanism),
                )
              return (
                <div key={p.id} className={`protection ${on ? 'on' : ''}`} data-protection={p.id}>
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={on}
                      onChange={(e) => toggle(p.id, e.target.checked)}
                    />
                    <span>
                      <strong>{p.title}</strong>
                      {p.recommended && (
                        <span className="badge rec">Recommended by {vendorName}</span>
                      )}
                      <br />
                      <span className="muted">{p.description}</span>
                    </span>
                  </label>
                  {on && (
                    <div className="mechanism">
                      <label className="field">
                        <span>Mechanism</span>
                        <select
                          value={chosen}
                          onChange={(e) =>
                            setSel({
                              ...sel,
                              mechanisms: { ...sel.mechanisms, [p.id]: e.target.value },
                            })
                          }
                        >
                          <option value="">
                            {sel.mode === 'recipe' && p.recipeMechanism
                              ? 'Vendor recipe'
                              : 'Least risky'}{' '}
                            (automatic)
                          </option>
                          {p.mechanisms
                            .filter((m) => m.available)
                            .map((m) => (
                              <option key={m.id} value={m.id}>
                                {m.title} — {m.risk} risk
                                {m.id === p.recipeMechanism ? ' (vendor recipe)' : ''}
                              </option>
                            ))}
                        </select>
                      </label>
                      {mech && (
                        <p className="small">
                          <RiskBadge risk={mech.risk} /> {mech.title}: {mech.riskReason}
                        </p>
                      )}
                      {mech?.unchangedFor && (
                        <p className="small muted" data-testid="unchanged-for">
                          Not for {mech.unchangedFor}: a preset security policy covers them, and
                          presets win over the policies this changes. Everyone else gets it; the
                          Review step shows their options.
                        </p>
                      )}
                    </div>
                  )}
                </div>
              )
            })}
          </fieldset>
          {hidden.length > 0 && (
            <details className="panel hidden-options">
              <summary>
                {hidden.length} option{hidden.length > 1 ? 's' : ''} not available in this tenant
              </summary>
              <ul>
                {hidden.map((p) => (
                  <li key={p.id} data-hidden-protection={p.id}>
                    <strong>{p.title}</strong>: {p.reason}
                  </li>
                ))}
              </ul>
            </details>
          )}
          <ErrorPanel error={planError} />
          <Actions>
            <button type="button" onClick={() => go(2)}>
              Back
            </button>
            <button
              type="button"
              className="primary"
              onClick={review}
              disabled={busy || sel.protections.length === 0}
            >
              {busy ? 'Planning…' : 'Review the changes'}
            </button>
          </Actions>
          {sel.protections.length === 0 && <p className="muted">Tick at least one protection.</p>}
        </>
      )}
    </section>
  )
}
