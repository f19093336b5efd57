import { useEffect, useRef, useState } from 'react'
import { api, sleep } from '../api'
import { Actions, asApiError, ErrorPanel, StepHeader } from '../components'
import type { ApiErrorBody, SignIn } from '../types'
import type { StepProps } from '../App'

export function SignInStep({ w, update, go }: StepProps) {
  const sandbox = w.info?.sandbox ?? null
  const [tenant, setTenant] = useState(w.connection?.tenant ?? sandbox?.tenants[0]?.name ?? '')
  const [flow, setFlow] = useState<SignIn | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState(false)
  const [copied, setCopied] = useState(false)
  const alive = useRef(true)

  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
    }
  }, [])

  // Wait for the admin to sign in and confirm, then move on by itself.
  useEffect(() => {
    if (!flow || flow.status !== 'waiting') return
    let stop = false
    void (async () => {
      while (!stop && alive.current) {
        await sleep(1000)
        if (stop || !alive.current) return
        try {
          const r = await api<{ signIn: SignIn }>('GET', `/api/signin/${flow.id}`)
          if (stop) return
          if (r.signIn.status === 'signed-in' && r.signIn.connection) {
            update({
              connection: {
                id: r.signIn.connection,
                actor: r.signIn.actor ?? '',
                tenant: r.signIn.tenant,
              },
              discovery: null,
              selection: null,
              planResult: null,
            })
            go(2)
            return
          }
          if (r.signIn.status !== 'waiting') {
            setFlow(r.signIn)
            setError(r.signIn.error)
            return
          }
        } catch (e) {
          setError(asApiError(e))
          return
        }
      }
    })()
    return () => {
      stop = true
    }
  }, [flow, update, go])

  const generate = async () => {
    setBusy(true)
    setError(null)
    setCopied(false)
    try {
      if (flow?.status === 'waiting')
        await api('DELETE', `/api/signin/${flow.id}`).catch(() => undefined)
      const r = await api<{ signIn: SignIn }>('POST', '/api/signin', {
        tenant: tenant.trim() || 'organizations',
      })
      setFlow(r.signIn)
    } catch (e) {
      setError(asApiError(e))
    } finally {
      setBusy(false)
    }
  }

  const copy = async () => {
    if (!flow?.userCode) return
    try {
      await navigator.clipboard.writeText(flow.userCode)
      setCopied(true)
    } catch {
      const el = document.getElementById('device-code')
      if (el) window.getSelection()?.selectAllChildren(el)
      setCopied(false)
    }
  }

  const open = () => {
    if (flow?.verificationUri) window.open(flow.verificationUri, '_blank', 'noopener,noreferrer')
  }

  const tenantInfo = sandbox?.tenants.find((t) => t.name === tenant)

  return (
    <section>
      <StepHeader
        title="Sign in to your Microsoft 365 tenant"
        intro="Passage signs in with a single-use code, the way Microsoft’s own PowerShell module does. Your password never reaches passage, and nothing long-lived is saved: the sign-in lasts until you stop the wizard."
      />
      {w.connection && (
        <p className="panel ok-panel">
          Signed in to <strong>{w.connection.tenant}</strong> as{' '}
          <strong>{w.connection.actor}</strong>.{' '}
          <button type="button" className="link" onClick={() => go(2)}>
            Continue with this sign-in
          </button>
        </p>
      )}
      <div className="two-col">
        <div className="panel">
          <h3>Who should sign in</h3>
          <p>
            An <strong>Exchange Administrator</strong> (or a Global Administrator). Passage needs it
            to:
          </p>
          <ul>
            <li>
              read your anti-spam, anti-phishing, Safe Links and mail flow settings (any admin
              reader role can);
            </li>
            <li>
              change them for this vendor, and undo the change later (Exchange Administrator);
            </li>
            <li>
              learn your roles, which Defender settings your tenant has and who is in the groups
              your preset policies cover, from the same sign-in (one code, no second one for
              Microsoft Graph).
            </li>
          </ul>
          <p className="muted">
            The account also needs Exchange Online API access (the setting PowerShell uses), which
            is on unless an admin turned it off.
          </p>
        </div>
        <div className="panel">
          <h3>Sign in</h3>
          {sandbox ? (
            <label className="field">
              <span>Sandbox tenant</span>
              <select value={tenant} onChange={(e) => setTenant(e.target.value)}>
                {sandbox.tenants.map((t) => (
                  <option key={t.name} value={t.name}>
                    {t.displayName || t.name} ({t.name}, {t.licence})
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label className="field">
              <span>Tenant (optional)</span>
              <input
                type="text"
                value={tenant}
                onChange={(e) => setTenant(e.target.value)}
                placeholder="contoso.onmicrosoft.com"
                autoComplete="off"
                spellCheck={false}
              />
              <small>Leave it empty to sign in to the tenant of the account you choose.</small>
            </label>
          )}
          <Actions>
            <button type="button" className="primary" onClick={generate} disabled={busy}>
              {busy ? 'Getting a code…' : flow ? 'Get a new sign-in code' : 'Sign in with a code'}
            </button>
          </Actions>
          {flow?.userCode && flow.status === 'waiting' && (
            <div className="device-code" aria-live="polite">
              <p>1. Copy this single-use code:</p>
              <div className="code-row">
                <code id="device-code" className="code" data-testid="device-code">
                  {flow.userCode}
                </code>
                <button type="button" onClick={copy} aria-label="Copy the code">
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              <p>2. Open the sign-in page, paste the code, choose the admin account and confirm.</p>
              <Actions>
                <button type="button" className="primary" onClick={open}>
                  Open the sign-in page
                </button>
              </Actions>
              <p className="muted small">
                Or go to{' '}
                <a href={flow.verificationUri ?? '#'} target="_blank" rel="noopener noreferrer">
                  {flow.verificationUri}
                </a>{' '}
                yourself.
                {sandbox &&
                  ' The sandbox uses its own certificate authority: your browser may warn about its certificate.'}
              </p>
              <p className="waiting" role="status">
                <span className="spinner" aria-hidden="true" /> Waiting for you to sign in… this
                page moves on by itself.
              </p>
            </div>
          )}
          {flow?.status === 'cancelled' && (
            <p className="muted">Sign-in cancelled. Generate a new code to try again.</p>
          )}
          <ErrorPanel error={error} />
          {tenantInfo && (
            <details className="accounts">
              <summary>Sandbox accounts you can sign in with</summary>
              <ul>
                {tenantInfo.admins.map((a) => (
                  <li key={a.upn}>
                    <code>{a.upn}</code> — {a.roles.length ? a.roles.join(', ') : 'no admin role'}
                    {!a.apiEnabled && ' (API access disabled)'}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      </div>
    </section>
  )
}
