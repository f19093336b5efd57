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
  /**
   * The object id of the app's service principal in this tenant (what admin consent creates; the
   * `oid` claim of its app-only tokens). Absent (apps registered before consent was modelled): a
   * stable id derived from the tenant and client id (identity/tokens.ts servicePrincipalId).
   */
  objectId?: string
  /**
   * True when the tenant's admin disabled the service principal (accountEnabled false): token
   * requests are refused with AADSTS7000112 (identity/tokens.ts).
   */
  disabled?: boolean
}

/**
 * A multi-tenant app registration in its home (publisher) tenant: what admin consent in a customer
 * tenant turns into a service principal there (entra-docs docs/identity-platform/v2-admin-consent.md).
 */
export interface SandboxRegistration {
  clientId: string
  displayName: string
  /** PEM of the registration's certificate (public part only; the key is never in the world). */
  certificatePem: string
  /** The application permissions it asks for (e.g. `Exchange.ManageAsApp`). */
  appRoles: string[]
  /**
   * Registered redirect URIs for the consent redirect (exact match; `http://localhost` matches
   * any port, entra-docs reply-url.md "Localhost exceptions").
   */
  redirectUris?: string[]
}

/**
 * Exchange Online's RBAC objects for service principals: the service principal references
 * (New-ServicePrincipal) and the members of the built-in role groups (Add-RoleGroupMember).
 */
export interface ExchangeRbacState {
  servicePrincipals: ExchangeServicePrincipal[]
  /** Role group name -> member identities (service principal object ids, user UPNs). */
  roleGroupMembers: Record<string, string[]>
}

/** An Exchange service principal reference (New-ServicePrincipal.md). */
export interface ExchangeServicePrincipal {
  appId: string
  objectId: string
  displayName: string
  /** Exchange's own GUID for the reference object. */
  identity: string
}

/** What the fleet generator gave a tenant (fleet/generate.ts); absent for seeded tenants. */
export interface SandboxFleetFlags {
  /** Position in the generated fleet, from 1. */
  index: number
  /** Admin consent for the operator's app: false = no service principal at all. */
  consented: boolean
  /** The service principal is in Organization Management already (`preEnrolled`). */
  roleGranted: boolean
  /** The service principal is disabled (tokens refused with AADSTS7000112). */
  spDisabled: boolean
  /** A co-manager reverts connection-filter IP allow changes (engine/co-manager.ts). */
  coManager: boolean
  /** Mail arrives through a gateway (MX not at Microsoft, an inbound connector). */
  gateway: boolean
  /** Set by the co-manager model: what it will restore on the next call, and when it last did. */
  coManagerState?: { pendingIpAllowList?: string[]; revertedAt?: string }
}

/** One sandbox tenant: who can sign in and its Exchange configuration. */
export interface SandboxTenant {
  /** The configuration, in the planner's snapshot format (the engine keeps it current). */
  snapshot: TenantSnapshot
  admins: SandboxAdmin[]
  apps: SandboxApp[]
  /** Mail the sandbox has seen: trace, quarantine and delivered copies (owned by the engine). */
  mail: SandboxMailStore
  /** Exchange RBAC for service principals (absent: none created yet). */
  exchangeRbac?: ExchangeRbacState
  /** Set on generated fleet tenants only. */
  fleet?: SandboxFleetFlags
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
  /** Multi-tenant app registrations (the fleet operator's app), consentable in every tenant. */
  registrations?: SandboxRegistration[]
  /** How the generated fleet was made, when there is one (fleet/generate.ts). */
  fleet?: SandboxFleetMeta
}

/** The generated fleet's parameters and counts (`GET /` shows these, not 1,000 entries). */
export interface SandboxFleetMeta {
  tenants: number
  seed: number
  preEnrolled: boolean
  /** The operator app's client id (the registration consent is for). */
  clientId: string
  counts: {
    licence: Record<string, number>
    notConsented: number
    consentedNoRole: number
    roleGranted: number
    spDisabled: number
    coManager: number
    gateway: number
  }
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

/** Options of one engine call. */
export interface EngineInvokeOptions {
  /**
   * A read's result may share objects with the live state instead of being a copy: for a caller
   * that turns it into text at once and keeps nothing of it (the admin API's reads without
   * `$select`), so that a page of a long list does not copy the whole list first. A write's
   * result is always a copy (it may come from the write's draft).
   */
  shareReadResult?: boolean
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
    opts?: EngineInvokeOptions,
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
