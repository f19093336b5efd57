import { parse } from 'tldts'

/** Lower-cases a domain and strips a trailing dot and a leading `*.`. */
export function normaliseDomain(input: string): string {
  return input.trim().toLowerCase().replace(/\.$/, '').replace(/^\*\./, '')
}

/** True when the text is a syntactically valid internet domain with a known public suffix. */
export function isValidDomain(input: string): boolean {
  const d = normaliseDomain(input)
  if (d.length === 0 || d.length > 253 || !/^[a-z0-9.-]+$/.test(d)) return false
  const p = parse(d, { allowPrivateDomains: true })
  return (
    p.isIp === false &&
    p.domain !== null &&
    p.publicSuffix !== null &&
    (p.isIcann === true || p.isPrivate === true)
  )
}

/** The registrable domain (e.g. `tk.cmnky.co` -> `cmnky.co`), or null. */
export function registrableDomain(input: string): string | null {
  return parse(normaliseDomain(input)).domain ?? null
}

/** True when `domain` equals `parent` or is a subdomain of it. */
export function isSameOrSubdomain(domain: string, parent: string): boolean {
  const d = normaliseDomain(domain)
  const p = normaliseDomain(parent)
  return d === p || d.endsWith(`.${p}`)
}

/**
 * Consumer mailbox providers and shared sending infrastructure: mail from these domains can come
 * from anyone, so allow-listing them allows everyone (design.md, safety rules).
 */
export const SHARED_DOMAINS: readonly string[] = [
  // consumer mailboxes
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'ymail.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.net',
  'gmx.de',
  'web.de',
  'mail.com',
  'yandex.com',
  'yandex.ru',
  'zoho.com',
  'qq.com',
  '163.com',
  '126.com',
  'mail.ru',
  'orange.fr',
  'free.fr',
  'comcast.net',
  // shared sending infrastructure and platforms
  'onmicrosoft.com',
  'sendgrid.net',
  'sendgrid.com',
  'amazonses.com',
  'mailgun.org',
  'mailgun.net',
  'mailchimp.com',
  'mcsv.net',
  'mcdlv.net',
  'rsgsv.net',
  'mandrillapp.com',
  'sparkpostmail.com',
  'mailjet.com',
  'sendinblue.com',
  'brevo.com',
  'postmarkapp.com',
  'mtasv.net',
  'constantcontact.com',
  'salesforce.com',
  'exacttarget.com',
  'hubspotemail.net',
  'hubspot.com',
  'google.com',
  'microsoft.com',
  'office365.com',
  'outlook.office365.com',
  'protection.outlook.com',
  'amazonaws.com',
  'azurewebsites.net',
  'cloudapp.net',
  'herokuapp.com',
  'github.io',
]

/** True when the domain is, or is under, a consumer or shared sending domain. */
export function isSharedDomain(domain: string): boolean {
  return SHARED_DOMAINS.some((s) => isSameOrSubdomain(domain, s))
}
