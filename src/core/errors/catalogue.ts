/**
 * The one catalogue of passage's error codes. Each entry says who is at fault (`kind`), a title,
 * and a hint telling the user what to do. Messages are written where the error is raised.
 */
export type ErrorKind = 'user' | 'remote' | 'bug'

export interface CatalogueEntry {
  kind: ErrorKind
  title: string
  hint: string
}

export const CATALOGUE = {
  PASSAGE_E_INPUT: {
    kind: 'user',
    title: 'Invalid input',
    hint: 'Check the value named in the message; `passage <command> --help` lists what each option takes.',
  },
  PASSAGE_E_FILE: {
    kind: 'user',
    title: 'File cannot be read',
    hint: 'Check that the path exists and is readable.',
  },
  PASSAGE_E_SNAPSHOT_INVALID: {
    kind: 'user',
    title: 'Invalid tenant snapshot',
    hint: 'Fix the fields listed, or capture a fresh snapshot with `passage discover --out snapshot.json`.',
  },
  PASSAGE_E_SNAPSHOT_VERSION: {
    kind: 'user',
    title: 'Unsupported snapshot version',
    hint: 'Capture the snapshot again with this version of passage.',
  },
  PASSAGE_E_VENDOR_UNKNOWN: {
    kind: 'user',
    title: 'Unknown vendor',
    hint: 'Run `passage vendors` to list the catalog, or use `custom` with --param or --vendor-file.',
  },
  PASSAGE_E_VENDOR_INVALID: {
    kind: 'user',
    title: 'Invalid vendor profile',
    hint: 'Fix the fields listed in the vendor profile.',
  },
  PASSAGE_E_PARAM_MISSING: {
    kind: 'user',
    title: 'Vendor parameter missing',
    hint: 'Pass it with --param key=value; `passage vendor show` with the vendor’s id lists the parameters it needs.',
  },
  PASSAGE_E_PARAM_INVALID: {
    kind: 'user',
    title: 'Vendor parameter invalid',
    hint: '`passage vendor show` with the vendor’s id describes what each parameter takes.',
  },
  PASSAGE_E_PROTECTION_UNKNOWN: {
    kind: 'user',
    title: 'Unknown protection',
    hint: '`passage vendor show` with the vendor’s id lists the protections and their mechanisms.',
  },
  PASSAGE_E_MECHANISM_UNAVAILABLE: {
    kind: 'user',
    title: 'No mechanism available for this tenant',
    hint: 'The protection needs a licence or routing this tenant lacks; leave it out, or choose another mechanism.',
  },
  PASSAGE_E_REFUSED_OWN_DOMAIN: {
    kind: 'user',
    title: "Refused: allow-listing the tenant's own domain",
    hint: 'Anyone can forge mail from your own domains; identify the vendor by its sending IPs or its own DKIM domain instead.',
  },
  PASSAGE_E_REFUSED_SHARED_DOMAIN: {
    kind: 'user',
    title: 'Refused: allow-listing a consumer or shared domain',
    hint: 'Shared domains (gmail.com, sendgrid.net, ...) send for everyone; use the vendor’s dedicated IP or its own domain.',
  },
  PASSAGE_E_REFUSED_CIDR: {
    kind: 'user',
    title: 'Refused: address range wider than the list allows',
    hint: 'Split the range into blocks the target list accepts (e.g. /24 to /32 for the connection filter), or choose another mechanism.',
  },
  PASSAGE_E_REFUSED_ADDRESS: {
    kind: 'user',
    title: 'Refused: private, reserved or unsupported address',
    hint: 'Give only the vendor’s own public sending addresses: no part of an entry may be private, reserved, documentation or a Microsoft 365 range (and the IP Allow List takes no IPv6).',
  },
  PASSAGE_E_REFUSED_HEADER_ONLY: {
    kind: 'user',
    title: 'Refused: header-only condition',
    hint: 'An attacker can set any header; scope the rule to the vendor’s sending IPs and an authentication check.',
  },
  PASSAGE_E_REFUSED_LIMIT: {
    kind: 'user',
    title: 'Refused: over a Microsoft limit',
    hint: 'Remove unused entries from the list named, or choose a mechanism that does not use it.',
  },
  PASSAGE_E_NOTHING_TO_PLAN: {
    kind: 'user',
    title: 'Nothing can be planned for this vendor here',
    hint: 'Describe the vendor by its own sending IP addresses and domains (not your own domains), or choose other protections.',
  },
  PASSAGE_E_REFUSED_PRESET: {
    kind: 'user',
    title: 'Refused: a preset security policy would override the change',
    hint: 'Preset policies win over custom ones; choose a tenant-wide mechanism (transport rule, Tenant Allow/Block List), or take those users out of the preset.',
  },
  PASSAGE_E_REFUSED_UNSAFE: {
    kind: 'user',
    title: 'Refused: the change would open the tenant to attackers',
    hint: 'Choose a narrower mechanism; `passage vendor show` with the vendor’s id lists them with their risks.',
  },
  PASSAGE_E_CONFLICT: {
    kind: 'user',
    title: 'An object with passage’s name exists but passage did not create it',
    hint: 'Rename or remove that object, or remove its name clash; passage never changes what it did not create.',
  },
  PASSAGE_E_PLAN_INVALID: {
    kind: 'user',
    title: 'Invalid plan file',
    hint: 'Create the plan again with `passage plan ... --out plan.json`.',
  },
  PASSAGE_E_PLAN_TAMPERED: {
    kind: 'user',
    title: 'Plan hash does not match its content',
    hint: 'The plan was edited after it was made; create it again with `passage plan`.',
  },
  PASSAGE_E_PLAN_UNSIGNED: {
    kind: 'user',
    title: 'The plan is not signed by this passage',
    hint: 'Plan where you apply, or review the plan and sign it here with `passage plan --resign <file>`.',
  },
  PASSAGE_E_PLAN_FORGED: {
    kind: 'user',
    title: 'The plan asks for something passage would not plan',
    hint: 'Nothing was applied. Re-plan with `passage plan`; passage derives every cmdlet call itself and never runs calls a plan file lists.',
  },
  PASSAGE_E_SANDBOX_HOST: {
    kind: 'user',
    title: 'The sandbox binds loopback only',
    hint: 'Use --host 127.0.0.1 (the default) or ::1; the sandbox never listens on a network interface.',
  },
  PASSAGE_E_SANDBOX_FAULTS: {
    kind: 'user',
    title: 'Invalid fault spec',
    hint: 'Write it as comma-separated key=value pairs, e.g. latency=50,rate429=0.1,budget=20/s,err5xx=0.05,drop=0.02,slowBody=0.1,cmdlet:Get-TransportRule=ExBDDC58.',
  },
  PASSAGE_E_SANDBOX_STATE: {
    kind: 'user',
    title: 'Sandbox state file cannot be used',
    hint: 'Give a path ending in .json or .db; delete the file to start again from the seeded tenants.',
  },
  PASSAGE_E_SANDBOX_TENANTS: {
    kind: 'user',
    title: 'Invalid sandbox tenants file',
    hint: 'Give a JSON array of tenant snapshots (format passage.snapshot), like the files in examples/.',
  },
  PASSAGE_E_SANDBOX_LISTEN: {
    kind: 'user',
    title: 'The sandbox cannot listen on that port',
    hint: 'Choose another --port, or --port 0 for any free port.',
  },
  PASSAGE_E_INTERNAL: {
    kind: 'bug',
    title: 'Internal error',
    hint: 'This is a bug in passage; please report it with the command you ran.',
  },
  PASSAGE_E_STORE_OPEN: {
    kind: 'user',
    title: 'The store cannot be opened',
    hint: 'Check the --db path (its folder must exist and be writable) or the postgres:// URL, user and password; PASSAGE_DB sets the default.',
  },
  PASSAGE_E_STORE_LOCKED: {
    kind: 'user',
    title: 'The store is busy',
    hint: 'Another passage process is writing to the same database; wait for it to finish and try again.',
  },
  PASSAGE_E_STORE_IO: {
    kind: 'remote',
    title: 'The store failed',
    hint: 'Check that the database server is running and reachable, and that the disk is not full.',
  },
  PASSAGE_E_STORE_CORRUPT: {
    kind: 'bug',
    title: 'The store holds data passage cannot read',
    hint: 'The database was changed outside passage or by a newer version; use that version, or another --db.',
  },
  PASSAGE_E_STORE_SECRET: {
    kind: 'bug',
    title: 'Refused to store a secret',
    hint: 'This is a bug in passage: tokens, passwords and keys are never written to the store; please report it.',
  },
  PASSAGE_E_FLEET_DB: {
    kind: 'user',
    title: 'Fleet commands need PostgreSQL',
    hint: "Give a PostgreSQL URL with --db or PASSAGE_FLEET_DB, or leave both unset to use the embedded server in passage's data folder; SQLite stays the store for single-tenant commands.",
  },
  PASSAGE_E_FLEET_PG_START: {
    kind: 'remote',
    title: 'The embedded PostgreSQL server cannot start',
    hint: 'Read the reason in the message; install PostgreSQL (Debian: apt-get install postgresql) or give a server with --db postgres://...; `passage fleet db status` shows what is running.',
  },
  PASSAGE_E_FLEET_QUEUE: {
    kind: 'remote',
    title: 'The job queue refused a job',
    hint: 'Check that the database is reachable and that every worker and CLI runs the same passage version; `passage fleet status` lists jobs that failed for good.',
  },
  PASSAGE_E_FLEET_APP: {
    kind: 'user',
    title: "The fleet's app registration is not set",
    hint: 'Run `passage fleet app set --app-id <id> --certificate <cert.pem>` once with your multi-tenant app registration.',
  },
  PASSAGE_E_FLEET_KEY: {
    kind: 'user',
    title: "The app certificate's private key is not available",
    hint: 'Give it with --key <file>, PASSAGE_FLEET_KEY_FILE=<file> or PASSAGE_FLEET_KEY=<PEM>; passage never stores it.',
  },
  PASSAGE_E_FLEET_TENANT_UNKNOWN: {
    kind: 'user',
    title: 'Tenant not in the fleet',
    hint: '`passage fleet list` shows the enrolled tenants; enrol one with `passage fleet enrol <tenant>` or `passage fleet import <csv>`.',
  },
  PASSAGE_E_FLEET_PLAN_UNKNOWN: {
    kind: 'user',
    title: 'Unknown fleet plan',
    hint: '`passage fleet status` lists the fleet plans; make one with `passage fleet plan <vendor> --tenants ...`.',
  },
  PASSAGE_E_FLEET_CONSENT: {
    kind: 'remote',
    title: "The tenant's admin has not granted consent",
    hint: "Send the consent URL to the customer's Global Administrator, then run `passage fleet enrol <tenant>` again.",
  },
  PASSAGE_E_FLEET_STOPPED: {
    kind: 'remote',
    title: 'The fleet run stopped itself',
    hint: 'Too many tenants failed (see --max-failures); read the failures in `passage fleet status`, fix the cause, then run `passage fleet apply` again: tenants already done are not applied twice.',
  },
  PASSAGE_E_LEASE_HELD: {
    kind: 'user',
    title: 'Another run is in progress for this tenant',
    hint: 'Wait for it to finish (`passage runs` lists it); a crashed run frees the tenant when its lease expires.',
  },
  PASSAGE_E_EXO_ROLE_MISSING: {
    kind: 'remote',
    title: 'The signed-in admin lacks the role this cmdlet needs',
    hint: 'Sign in as an Exchange Administrator (or Security Administrator for security policy cmdlets), or have a Global Administrator assign that role; role changes can take up to an hour to reach Exchange. A reader who only discovers and checks can connect with `passage connect --read-only`.',
  },
  PASSAGE_E_EXO_API_DISABLED: {
    kind: 'remote',
    title: 'Exchange Online API access is disabled for this admin',
    hint: 'An Exchange Administrator can re-enable it with `Set-User <admin> -EXOModuleEnabled $true`, or sign in as another admin.',
  },
  PASSAGE_E_LICENCE_MISSING: {
    kind: 'remote',
    title: 'The tenant lacks the licence this needs',
    hint: 'Safe Links, Safe Attachments and impersonation protection need Microsoft Defender for Office 365 (Plan 1 or 2, or a suite that includes it); leave those protections out or add the licence.',
  },
  PASSAGE_E_THROTTLED: {
    kind: 'remote',
    title: 'Exchange Online is throttling this tenant',
    hint: 'Wait a few minutes and run the command again; stop other admin tools working on the tenant at the same time.',
  },
  PASSAGE_E_EXO_NOT_FOUND: {
    kind: 'remote',
    title: 'Exchange Online cannot find the object',
    hint: 'The object was removed or renamed since it was read; run `passage discover` again and re-plan.',
  },
  PASSAGE_E_EXO_VALIDATION: {
    kind: 'remote',
    title: 'Exchange Online refused the change',
    hint: 'Exchange’s own message is kept in the details; fix the value it names, or re-plan after `passage discover`.',
  },
  PASSAGE_E_EXO_FAILED: {
    kind: 'remote',
    title: 'Exchange Online failed to run the command',
    hint: 'Exchange’s message is kept in the details; try again later, and check the Microsoft 365 service health if it persists.',
  },
  PASSAGE_E_GRAPH_DENIED: {
    kind: 'remote',
    title: 'Microsoft Graph refused the request',
    hint: 'Consent to Organization.Read.All, RoleManagement.Read.Directory and Domain.Read.All for the sign-in app, or sign in as an admin who may read them.',
  },
  PASSAGE_E_GRAPH_FAILED: {
    kind: 'remote',
    title: 'Microsoft Graph failed the request',
    hint: 'Graph’s message is kept in the details; try again later, and check the Microsoft 365 service health if it persists.',
  },
  PASSAGE_E_SIGNIN: {
    kind: 'remote',
    title: 'Sign-in failed',
    hint: 'Run `passage connect` again; the message says why the sign-in was refused.',
  },
  PASSAGE_E_NETWORK: {
    kind: 'remote',
    title: 'Cannot reach the service',
    hint: 'Check the network connection, proxy and base URLs; for the sandbox, check that it is running and that its CA is given.',
  },
  PASSAGE_E_NOT_CONNECTED: {
    kind: 'user',
    title: 'No tenant is connected',
    hint: 'Run `passage connect --tenant` with the tenant’s name first (or pass --tenant for one connected before).',
  },
  PASSAGE_E_TENANT_UNKNOWN: {
    kind: 'user',
    title: 'No such tenant',
    hint: 'Check --tenant: the tenant’s *.onmicrosoft.com name, one of its verified domains, or its GUID (Entra admin center > Overview).',
  },
  PASSAGE_E_PLAN_DRIFT: {
    kind: 'user',
    title: 'The tenant changed since the plan was made',
    hint: 'Re-plan: run `passage plan` again against the tenant as it is now, review, and apply the new plan.',
  },
  PASSAGE_E_NOTHING_APPLIED: {
    kind: 'user',
    title: 'Nothing passage applied is in effect',
    hint: 'Give the plan to check with --plan, or apply one first (`passage runs` lists what was applied and undone).',
  },
  PASSAGE_E_NOTHING_TO_CHECK: {
    kind: 'user',
    title: 'Nothing to check: the plan makes no change',
    hint: 'Plan again against the tenant as it is now (`passage plan --tenant ...`) and check the plan you apply.',
  },
  PASSAGE_E_RUN_UNKNOWN: {
    kind: 'user',
    title: 'No such run',
    hint: 'Run `passage runs` to list the runs of the tenant.',
  },
  PASSAGE_E_ROLLBACK_INCOMPLETE: {
    kind: 'remote',
    title: 'Part of the rollback could not be done',
    hint: 'Run `passage rollback` again; it continues where it stopped. The details name what is left.',
  },
  PASSAGE_E_ROLLBACK_CONFLICT: {
    kind: 'remote',
    title: 'Someone changed what passage set since it was applied',
    hint: 'Their values were left as they are. Review the conflicts; run `passage rollback --force` to put the prior values back over them.',
  },
  PASSAGE_E_CONFIRM: {
    kind: 'user',
    title: 'Confirmation needed',
    hint: 'Run it again in a terminal to confirm, or pass --yes.',
  },
  PASSAGE_E_API_TOKEN: {
    kind: 'user',
    title: 'Access token missing or wrong',
    hint: 'Open the wizard with the address `passage serve` printed (it carries the access token), or restart `passage serve` for a new one.',
  },
  PASSAGE_E_API_HOST: {
    kind: 'user',
    title: 'Request addressed to another host or sent from another site',
    hint: 'Open the wizard at the exact address `passage serve` printed; other sites and host names are refused.',
  },
  PASSAGE_E_API_NOT_FOUND: {
    kind: 'user',
    title: 'Not found',
    hint: 'The wizard asked for something the server does not have (an expired sign-in, job or plan): go back a step and try again.',
  },
  PASSAGE_E_TOKEN_CACHE_KEY: {
    kind: 'user',
    title: 'The token cache needs a passphrase',
    hint: 'No secret store or key agent can hold the key here: set PASSAGE_TOKEN_CACHE_KEY to a passphrase of 12 characters or more (from a secrets manager, not typed on the command line), or connect again without --token-cache to keep tokens in memory (PASSAGE_TOKEN_CACHE=0 does so for one command).',
  },
  PASSAGE_E_TOKEN_CACHE_LOCKED: {
    kind: 'user',
    title: 'The token cache cannot be opened with this passphrase',
    hint: 'Set PASSAGE_TOKEN_CACHE_KEY to the passphrase the cache was written with, or delete the cache with `passage connect --sign-out` (or remove the file named) and sign in again.',
  },
  PASSAGE_E_TOKEN_CACHE_CORRUPT: {
    kind: 'user',
    title: 'The token cache file is damaged or was changed',
    hint: 'Delete it with `passage connect --sign-out` (or remove the file named) and sign in again.',
  },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof CATALOGUE
