/**
 * The contracts between the sandbox's parts: the world (tenants, admins, apps), the identity
 * provider (sign-in, tokens), the Exchange engine (cmdlets, mail) and the HTTP server that serves
 * them. Each part is built against these types only.
 */
import type { TenantSnapshot } from '../core/model/snapshot.js'

/** Directory roles the sandbox knows, by display name (Graph's directoryRole.displayName). */
export type DirectoryRoleName =
  | 'Global Administrator'
  | 'Exchange Administrator'
  | 'Security Administrator'
  | 'Security Reader'
  | 'Global Reader'

/** A person who can sign in to a sandbox tenant at `/devicelogin`. No passwords: it is a sandbox. */
export interface SandboxAdmin {
  /** User principal name, e.g. `admin@contoso.onmicrosoft.com`. */
  upn: string
  displayName: string
  /** Entra object id (GUID). */
  objectId: string
  roles: DirectoryRoleName[]
  /** False for the user whose Exchange API access is disabled (Set-User -EXOModuleEnabled $false). */
  exchangeApiEnabled: boolean
}

/** A registered application for app-only sign-in with a certificate. */
export interface SandboxApp {
  clientId: string
  displayName: string
  /** PEM of the certificate registered on the app (public part only). */
  certificatePem: string
  /** Application roles granted (e.g. `Exchange.ManageAsApp`, `Organization.Read.All`). */
  appRoles: string[]
  /** Directory roles assigned to the app's service principal (Exchange Administrator...). */
  roles: DirectoryRoleName[]
}

/** One sandbox tenant: who can sign in and its Exchange configuration. */
export interface SandboxTenant {
  /** The configuration, in the planner's snapshot format (the engine keeps it current). */
  snapshot: TenantSnapshot
  admins: SandboxAdmin[]
  apps: SandboxApp[]
  /** Mail the sandbox has seen: trace, quarantine and delivered copies (owned by the engine). */
  mail: SandboxMailStore
}

/** Messages delivered to the sandbox, as the engine records them. */
export interface SandboxMailStore {
  messages: SandboxMessage[]
}

/** One test message and its fate for each recipient. */
export interface SandboxMessage {
  /** Message id used in URLs (`/sandbox/{tenant}/messages/{id}`). */
  id: string
  /** RFC 5322 Message-ID. */
  messageId: string
  receivedAt: string
  senderAddress: string
  subject: string
  fromIp: string
  size: number
  recipients: SandboxDelivery[]
}

/** Where one recipient's copy went. */
export interface SandboxDelivery {
  recipient: string
  /** inbox | junk | quarantine | dropped | rejected, as the evaluator decided. */
  action: string
  /** Message trace status: Delivered, FilteredAsSpam, Quarantined, Failed... */
  status: string
  /** Quarantine identity when quarantined (`<guid>\\<guid>`), else null. */
  quarantineIdentity: string | null
  quarantineType: string | null
  quarantinePolicy: string | null
  released: boolean
  expiresAt: string | null
  /** The full header block of the delivered copy, CRLF line ends. */
  headers: string
}

/** Everything the sandbox serves. Persisted as JSON when a state file is given. */
export interface SandboxWorld {
  format: 'passage.sandbox'
  version: 1
  tenants: SandboxTenant[]
}

/** Who is calling an API, from a verified access token. */
export interface Caller {
  tenantId: string
  kind: 'user' | 'app'
  /** UPN for users, client id for apps. */
  name: string
  objectId: string
  roles: DirectoryRoleName[]
  /** False when the user's Exchange API access is disabled. Always true for apps. */
  exchangeApiEnabled: boolean
  /** `scp` for delegated tokens (space separated), `roles` for app tokens. */
  scopes: string[]
}

/** The result of one cmdlet, before the HTTP layer shapes it (reference §1.7, §1.8). */
export type CmdletOutcome =
  | { ok: true; value: Record<string, unknown>[]; warnings: string[] }
  | {
      ok: false
      /** The HTTP status the sandbox answers with. */
      status: number
      /** `details[].message` is `${exId}|${exceptionType}|${text}` when exId is set (§1.8 (1)). */
      exId: string | null
      exceptionType: string
      text: string
      /** The top-level error code (`InternalServerError`, `Unauthorized`, ...). */
      code: string
    }

/** A cmdlet the caller may run, as EXOModuleFile lists it. */
export interface ModuleCmdlet {
  name: string
  parameters: string[]
}

/** The Exchange engine: owns tenant state, runs cmdlets and decides test messages' fate. */
export interface ExchangeEngine {
  /** Runs a cmdlet atomically: on failure the tenant's state is unchanged. */
  invoke(
    tenant: SandboxTenant,
    caller: Caller,
    cmdlet: string,
    params: Record<string, unknown>,
    now: Date,
  ): CmdletOutcome
  /** Whether the cmdlet changes state (the server persists after a successful write). */
  isWrite(cmdlet: string): boolean
  /** The cmdlets this caller may run in this tenant (licence and role aware). */
  moduleFile(tenant: SandboxTenant, caller: Caller): ModuleCmdlet[]
}

/** A signed access token's verified claims. */
export interface VerifiedToken {
  caller: Caller
  audience: string
  expiresAt: number
}
