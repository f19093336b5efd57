// The shapes the wizard's API answers with (see src/server/routes/).

export type Risk = 'low' | 'medium' | 'high' | 'critical'

export interface ApiErrorBody {
  code: string
  title: string
  message: string
  hint: string
  issues?: { path: string; message: string }[]
}

export interface VendorParam {
  key: string
  label: string
  description: string
  type: 'ipv4' | 'ip-list' | 'domain' | 'domain-list' | 'enum' | 'string'
  required: boolean
  options?: string[]
  default?: string
}

export interface Vendor {
  id: string
  name: string
  category: string
  categoryLabel: string
  summary: string
  asOf: string
  params: VendorParam[]
  asks: string[]
  symptoms: string[]
  notes: string[]
  recommended: string[]
  recipe: Record<string, string>
  sources: { title: string; url?: string }[]
}

export interface VendorChoice {
  id: string
  params: Record<string, string>
}

export interface SandboxInfo {
  url: string
  tenants: {
    name: string
    displayName: string
    licence: string
    admins: { upn: string; displayName: string; roles: string[]; apiEnabled: boolean }[]
  }[]
}

export interface SignIn {
  id: string
  tenant: string
  status: 'waiting' | 'signed-in' | 'failed' | 'cancelled'
  userCode: string | null
  verificationUri: string | null
  message: string | null
  expiresIn: number | null
  connection: string | null
  actor: string | null
  error: ApiErrorBody | null
}

export interface Discovery {
  tenant: { id: string; name: string; displayName: string }
  actor: string
  licence: { id: string; name: string; defender: boolean; skus: string[]; defenderFrom: string[] }
  roles: { names: string[] | null; canChange: boolean | null; note: string }
  api: { reachable: boolean; calls: number; ms: number }
  mx: { route: string; gateway: string | null; hosts: string[]; source: string }
  acceptedDomains: string[]
  presets: { name: string; preset: string; kind: string; state: string; scope: string[] }[]
  coManagers: { tool: string; objects: string[]; mayRevert: string }[]
  counts: { label: string; count: number | null }[]
  existing: { kind: string; name: string; managedByPassage: boolean }[]
}

export interface MechanismOption {
  id: string
  title: string
  risk: Risk
  riskReason: string
  needs: string
  available: boolean
  reason: string | null
}

export interface ProtectionOption {
  id: string
  title: string
  description: string
  recommended: boolean
  available: boolean
  reason: string | null
  defaultMechanism: string | null
  defaultRisk: Risk | null
  recipeMechanism: string | null
  mechanisms: MechanismOption[]
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue }
export type JsonObject = { [k: string]: JsonValue }

export interface Change {
  id: string
  surface: string
  op: 'create' | 'update' | 'remove'
  target: string
  protections: string[]
  mechanism: string
  summary: string
  before: JsonObject | null
  after: JsonObject | null
  set?: JsonObject
  add?: Record<string, string[]>
  remove?: Record<string, string[]>
  risk: { level: Risk; reason: string }
  limits: { limit: string; max: number; before: number; after: number }[]
  baselines: { scanner: string; check: string; title: string }[]
}

export interface Plan {
  hash: string
  createdAt: string
  tenant: { id: string; name: string; licence: string; mx: string }
  vendor: { id: string; name: string; category: string; params: Record<string, string> }
  mode: 'recommended' | 'recipe'
  protections: {
    protection: string
    mechanism: string
    risk: Risk
    why: string
    vendorRecipe?: string
  }[]
  skipped: { protection: string; reason: string }[]
  changes: Change[]
  notices: string[]
}

export interface Outcome {
  action: 'inbox' | 'junk' | 'quarantine' | 'dropped' | 'rejected'
  quarantinePolicy: string | null
  category: string
  detected: string
  decidedBy: { kind: string; name: string } | null
  rewrittenLinks: string[]
}

export interface Simulation {
  rows: {
    label: string
    source: string
    recipient: string
    before: Outcome
    after: Outcome | null
    fixed: boolean
    unfixable: boolean
  }[]
}

export interface PlanResult {
  plan: Plan
  powershell: string
  simulation: Simulation | null
  titles: { protections: Record<string, string>; mechanisms: Record<string, string> }
}

export interface JobStep {
  changeId: string
  summary: string
  status: 'pending' | 'running' | 'done' | 'failed' | 'not-run' | 'rolled-back'
  note?: string
  error?: ApiErrorBody
}

export interface ApplyJob {
  id: string
  status: 'running' | 'done' | 'failed' | 'error'
  steps: JobStep[]
  runId: number | null
  alreadyApplied: boolean
  error: ApiErrorBody | null
  done: number
  failed: number
}

export interface CheckResult {
  green: boolean
  vendor: string
  checked: number
  findings: { changeId: string; target: string; problem: string; diagnosis: string; fix: string }[]
}

export interface Delivery {
  vendor: string
  sent: number
  sandbox: boolean
  window: { start: string; end: string }
  messages: {
    messageId: string
    received: string
    sender: string
    recipient: string
    subject: string
    status: string
    fate: 'inbox' | 'junk' | 'quarantine' | 'failed' | 'pending' | 'released'
    quarantine: { type: string; policy: string | null } | null
    reason: string
  }[]
}

export interface Explanation {
  trusted: boolean
  verdict: string
  category: string
  findings: string[]
  lines: string[]
}

export interface Run {
  id: number
  kind: 'apply' | 'check' | 'rollback' | 'test'
  status: string
  startedAt: string
  finishedAt: string | null
  actor: string
  errorCode: string | null
  errorMessage: string | null
  planHash: string | null
  plan: { vendor: string; changes: number } | null
  canUndo: boolean
}

export interface RunDetail {
  run: Run
  steps: {
    changeId: string
    status: string
    errorCode: string | null
    errorMessage: string | null
  }[]
  plan: {
    vendor: { name: string }
    changes: { id: string; summary: string; risk: Risk; op: string }[]
  } | null
}

export interface RollbackResult {
  status: 'done' | 'failed' | 'noop'
  steps: { changeId: string; summary: string; status: string; error?: ApiErrorBody }[]
}
