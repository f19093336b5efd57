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
    hint: 'Pass it with --param key=value; `passage vendor show <id>` lists the parameters a vendor needs.',
  },
  PASSAGE_E_PARAM_INVALID: {
    kind: 'user',
    title: 'Vendor parameter invalid',
    hint: '`passage vendor show <id>` describes what each parameter takes.',
  },
  PASSAGE_E_PROTECTION_UNKNOWN: {
    kind: 'user',
    title: 'Unknown protection',
    hint: 'Run `passage vendor show <id>` to list the protections and their mechanisms.',
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
    hint: 'Only public IPv4 addresses identify an internet sender; the connection filter and mail flow rules take no IPv6.',
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
  PASSAGE_E_REFUSED_PRESET: {
    kind: 'user',
    title: 'Refused: a preset security policy would override the change',
    hint: 'Preset policies win over custom ones; choose a tenant-wide mechanism (transport rule, Tenant Allow/Block List), or take those users out of the preset.',
  },
  PASSAGE_E_REFUSED_UNSAFE: {
    kind: 'user',
    title: 'Refused: the change would open the tenant to attackers',
    hint: 'Choose a narrower mechanism; `passage vendor show <id>` lists them with their risks.',
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
  PASSAGE_E_INTERNAL: {
    kind: 'bug',
    title: 'Internal error',
    hint: 'This is a bug in passage; please report it with the command you ran.',
  },
} as const satisfies Record<string, CatalogueEntry>

export type ErrorCode = keyof typeof CATALOGUE
