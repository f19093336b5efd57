import { useCallback, useEffect, useState, type ReactNode } from 'react'
import { api } from './api'
import { asApiError, ErrorPanel } from './components'
import type {
  ApiErrorBody,
  Discovery,
  PlanResult,
  SandboxInfo,
  Vendor,
  VendorChoice,
} from './types'
import { VendorStep } from './steps/VendorStep'
import { SignInStep } from './steps/SignInStep'
import { DiscoveryStep } from './steps/DiscoveryStep'
import { ProtectionsStep, type Selection } from './steps/ProtectionsStep'
import { SummaryStep } from './steps/SummaryStep'
import { ApplyStep } from './steps/ApplyStep'
import { TestStep } from './steps/TestStep'
import { HistoryStep } from './steps/HistoryStep'
import { FleetView } from './fleet/FleetView'

export const STEPS = [
  'Vendor',
  'Sign in',
  'Discovery',
  'Protections',
  'Summary',
  'Apply and check',
  'Test delivery',
  'History and undo',
] as const

/** The step bar's visible words: short, so that all eight fit at 1024 px (the full name is its label). */
const SHORT: readonly string[] = [
  'Vendor',
  'Sign in',
  'Discovery',
  'Protections',
  'Summary',
  'Apply',
  'Test',
  'History',
]

/** Test delivery and History need only a sign-in: they open whenever one exists. */
const NEED_ONLY_SIGN_IN = new Set([6, 7])

/**
 * Whether the step bar lets the admin open step `i`: a step reached before, or one that needs
 * only a sign-in once there is one (their buttons work from Apply, so the bar must agree).
 */
export function canOpen(i: number, reached: number, signedIn: boolean): boolean {
  return i <= reached || (signedIn && NEED_ONLY_SIGN_IN.has(i))
}

export interface Connection {
  id: string
  actor: string
  tenant: string
}

export interface Wizard {
  info: { sandbox: SandboxInfo | null } | null
  vendor: Vendor | null
  choice: VendorChoice | null
  connection: Connection | null
  discovery: Discovery | null
  selection: Selection | null
  planResult: PlanResult | null
  job: { id: string; planHash: string } | null
}

const EMPTY: Wizard = {
  info: null,
  vendor: null,
  choice: null,
  connection: null,
  discovery: null,
  selection: null,
  planResult: null,
  job: null,
}

export function App({ hasToken }: { hasToken: boolean }) {
  const [step, setStep] = useState(0)
  const [reached, setReached] = useState(0)
  const [w, setW] = useState<Wizard>(EMPTY)
  const [fatal, setFatal] = useState<ApiErrorBody | null>(null)
  // `passage serve --fleet`: the fleet dashboard, opened first; undefined while unknown, null
  // without --fleet.
  const [fleet, setFleet] = useState<{ actions: boolean } | null | undefined>(undefined)
  const [view, setView] = useState<'fleet' | 'wizard'>('wizard')

  useEffect(() => {
    if (!hasToken) return
    api<{ sandbox: SandboxInfo | null; fleet: { actions: boolean } | null }>('GET', '/api/info')
      .then((info) => {
        setW((x) => ({ ...x, info }))
        // `passage serve --fleet`: the dashboard, opened first; without it, the wizard alone.
        setFleet(info.fleet ? { actions: info.fleet.actions } : null)
        if (info.fleet) setView('fleet')
      })
      .catch((e: unknown) => {
        setFatal(asApiError(e))
        setFleet(null)
      })
  }, [hasToken])

  const update = useCallback((patch: Partial<Wizard>) => setW((x) => ({ ...x, ...patch })), [])
  const go = useCallback((n: number) => {
    setStep(n)
    setReached((r) => Math.max(r, n))
    window.scrollTo({ top: 0 })
  }, [])

  if (!hasToken)
    return (
      <Shell sandbox={false}>
        <ErrorPanel
          error={{
            code: 'PASSAGE_E_API_TOKEN',
            title: 'Open the wizard with its address',
            message: 'This page was opened without its access token.',
            hint: 'Open the full address the wizard was started with (it ends in #token=…); whoever started it can give it to you again.',
          }}
        />
      </Shell>
    )

  const props = { w, update, go }
  // One local round trip: the wizard's first step waits for it rather than render twice.
  if (fleet === undefined)
    return (
      <Shell sandbox={false}>
        <p className="loading" role="status">
          Loading…
        </p>
      </Shell>
    )
  const views = fleet && (
    <nav className="tabs view-tabs" aria-label="Views">
      <button
        type="button"
        aria-current={view === 'fleet' ? 'page' : undefined}
        onClick={() => setView('fleet')}
      >
        Fleet
      </button>
      <button
        type="button"
        aria-current={view === 'wizard' ? 'page' : undefined}
        onClick={() => setView('wizard')}
      >
        One tenant
      </button>
    </nav>
  )
  if (fleet && view === 'fleet')
    return (
      <Shell sandbox={!!w.info?.sandbox}>
        {views}
        <main id="main" className="content" data-view="fleet">
          <ErrorPanel error={fatal} />
          <FleetView actions={fleet.actions} />
        </main>
      </Shell>
    )
  return (
    <Shell sandbox={!!w.info?.sandbox}>
      {views}
      <nav className="stepper" aria-label="Wizard steps">
        <ol>
          {STEPS.map((label, i) => {
            const open = canOpen(i, reached, !!w.connection)
            return (
              <li key={label} className={i === step ? 'current' : open ? 'reached' : ''}>
                <button
                  type="button"
                  onClick={() => go(i)}
                  disabled={!open}
                  aria-current={i === step ? 'step' : undefined}
                  aria-label={`${label}${i < step && i <= reached ? ' (done)' : ''}`}
                  title={label}
                >
                  <span className="num" aria-hidden="true">
                    {i < step && i <= reached ? '✓' : i + 1}
                  </span>
                  <span className="label" aria-hidden="true">
                    {SHORT[i] ?? label}
                  </span>
                </button>
              </li>
            )
          })}
        </ol>
      </nav>
      <main id="main" className="content" data-step={step + 1}>
        <p className="step-count">
          Step {step + 1} of {STEPS.length}
        </p>
        <ErrorPanel error={fatal} />
        {step === 0 && <VendorStep {...props} />}
        {step === 1 && <SignInStep {...props} />}
        {step === 2 && <DiscoveryStep {...props} />}
        {step === 3 && <ProtectionsStep {...props} />}
        {step === 4 && <SummaryStep {...props} />}
        {step === 5 && <ApplyStep {...props} />}
        {step === 6 && <TestStep {...props} />}
        {step === 7 && <HistoryStep {...props} />}
      </main>
    </Shell>
  )
}

export interface StepProps {
  w: Wizard
  update: (patch: Partial<Wizard>) => void
  go: (step: number) => void
}

function Shell({ sandbox, children }: { sandbox: boolean; children: ReactNode }) {
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to the current step
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ⇢
          </span>
          <span>
            <strong>Passage</strong>
            <span className="tagline">
              {' '}
              Let a trusted email service through Microsoft Defender, safely
            </span>
          </span>
        </div>
        {sandbox && (
          <span
            className="badge sandbox"
            title="Changes go to an emulated tenant, not Microsoft 365"
          >
            Sandbox
          </span>
        )}
      </header>
      {children}
    </div>
  )
}
