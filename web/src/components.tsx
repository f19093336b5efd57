import { useEffect, useRef, type ReactNode } from 'react'
import { ApiFailure } from './api'
import type { ApiErrorBody, Risk } from './types'

/** What an admin should know about the common refusals (the seed guides' "common reasons"). */
const DIAGNOSES: Record<string, { label: string; what: string }> = {
  PASSAGE_E_EXO_ROLE_MISSING: {
    label: 'Insufficient permissions',
    what: 'The account you signed in with may read the configuration but not change it. Sign in again as an Exchange Administrator (or a Global Administrator), or have a Global Administrator give this account the Exchange Administrator role; role changes can take up to an hour to reach Exchange.',
  },
  PASSAGE_E_EXO_API_DISABLED: {
    label: 'API access is disabled',
    what: 'Exchange Online’s admin API (the one PowerShell uses) is turned off for this account. An Exchange Administrator can turn it back on with Set-User <account> -EXOModuleEnabled $true, or you can sign in as another admin.',
  },
  PASSAGE_E_THROTTLED: {
    label: 'Exchange Online is throttling this tenant',
    what: 'Too many admin requests reached Exchange in a short time. Wait a few minutes and try again; stop other admin tools working on the tenant meanwhile. Nothing is lost: passage resumes where it stopped.',
  },
  PASSAGE_E_LICENCE_MISSING: {
    label: 'Licence missing',
    what: 'This needs Microsoft Defender for Office 365. Leave those protections out, or add the licence.',
  },
  PASSAGE_E_SIGNIN: { label: 'Sign-in failed', what: 'Get a new sign-in code and sign in again.' },
  PASSAGE_E_PLAN_DRIFT: {
    label: 'The tenant changed since the plan was made',
    what: 'Someone (or another tool) changed these settings after you reviewed the plan. Go back to Discovery to read the tenant again, then review the new plan.',
  },
}

export function diagnosisOf(code: string) {
  return DIAGNOSES[code] ?? null
}

export function asApiError(e: unknown): ApiErrorBody {
  if (e instanceof ApiFailure) return e.error
  return {
    code: 'PASSAGE_E_INTERNAL',
    title: 'Something went wrong',
    message: e instanceof Error ? e.message : String(e),
    hint: 'Try again.',
  }
}

/** An error: the diagnosis first, then what Exchange or passage said, and what to do. */
export function ErrorPanel({
  error,
  children,
}: {
  error: ApiErrorBody | null | undefined
  children?: ReactNode
}) {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (error) ref.current?.focus()
  }, [error])
  if (!error) return null
  const d = diagnosisOf(error.code)
  return (
    <div className="panel error-panel" role="alert" tabIndex={-1} ref={ref} data-code={error.code}>
      <h3>{d ? d.label : error.title}</h3>
      {d && <p className="diagnosis">{d.what}</p>}
      <p className="message">{error.message}</p>
      {error.issues && error.issues.length > 0 && (
        <ul className="issues">
          {error.issues.map((i) => (
            <li key={i.path + i.message}>
              <code>{i.path}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
      {!d && <p className="hint">{error.hint}</p>}
      <p className="code">Error code {error.code}</p>
      {children}
    </div>
  )
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>
}

const RISK_LABEL: Record<Risk, string> = {
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
  critical: 'Critical risk',
}

export function RiskBadge({ risk }: { risk: Risk | null | undefined }) {
  if (!risk) return null
  return <span className={`badge risk-${risk}`}>{RISK_LABEL[risk]}</span>
}

const ACTION_LABEL: Record<string, string> = {
  inbox: 'Inbox',
  junk: 'Junk folder',
  quarantine: 'Quarantine',
  dropped: 'Dropped',
  rejected: 'Rejected',
  failed: 'Failed',
  pending: 'Pending',
  released: 'Released',
}

export function ActionBadge({ action }: { action: string }) {
  return <span className={`badge action-${action}`}>{ACTION_LABEL[action] ?? action}</span>
}

/** The first page load keeps the browser's focus order; later step changes focus the heading. */
let firstStep = true

export function StepHeader({ title, intro }: { title: string; intro: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    if (firstStep) {
      firstStep = false
      return
    }
    ref.current?.focus()
  }, [])
  return (
    <header className="step-header">
      <h2 tabIndex={-1} ref={ref}>
        {title}
      </h2>
      <p className="intro">{intro}</p>
    </header>
  )
}

export function Actions({ children }: { children: ReactNode }) {
  return <div className="actions">{children}</div>
}

/** Formats an ISO time for people. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
