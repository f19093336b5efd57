import { z } from 'zod'
import { MechanismId, ProtectionId } from '../protections/ids.js'

/** What kind of service a vendor is; it decides which mechanisms fit (vendors.md §3). */
export const VendorCategory = z.enum([
  'phishing-simulation',
  'inbound-relay',
  'gateway-mx',
  'internal-comms',
  'marketing',
  'api-only',
])
export type VendorCategory = z.infer<typeof VendorCategory>

/** A `${key}` reference to a customer-supplied parameter inside a profile list. */
export const PARAM_REF = /^\$\{([a-zA-Z][a-zA-Z0-9]*)\}$/

/** A value the customer must (or may) supply, e.g. ContactMonkey's dedicated IP or region. */
export const VendorParam = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/),
  label: z.string(),
  description: z.string(),
  type: z.enum(['ipv4', 'ip-list', 'domain', 'domain-list', 'enum', 'string']),
  required: z.boolean().default(true),
  options: z.array(z.string()).optional(),
  default: z.string().optional(),
})
export type VendorParam = z.infer<typeof VendorParam>

const refOr = <T extends z.ZodTypeAny>(t: T) => z.union([t, z.string().regex(PARAM_REF)])

/** What identifies the vendor's mail. Entries may be `${param}` references. */
export const SendingIdentity = z.object({
  /** IPv4 addresses or CIDRs the vendor connects from. */
  ips: z.array(z.string()).default([]),
  /** 5321.MailFrom (envelope) domains. */
  envelopeDomains: z.array(z.string()).default([]),
  /** DKIM d= domains. */
  dkimDomains: z.array(z.string()).default([]),
  /** 5322.From (header) domains. */
  headerFromDomains: z.array(z.string()).default([]),
  /** Domains of links and tracking pixels in the vendor's mail. */
  linkDomains: z.array(z.string()).default([]),
})
export type SendingIdentity = z.infer<typeof SendingIdentity>

/** A source the profile's facts come from. */
export const VendorSource = z.object({ title: z.string(), url: z.string().optional() })

/**
 * Where one vendor fact (a sending IP, a domain) comes from: the public page and the day it was
 * read. A fact no public page states says so in `unpublished` (e.g. only a 2021 forum post), so
 * that nobody mistakes it for a vendor's published word; `note` carries any other caveat.
 */
export const FactSource = z
  .object({
    /** The public page (https) that states the fact. */
    url: z.url({ protocol: /^https$/ }).optional(),
    /** The day it was read (YYYY-MM-DD). */
    read: z.iso.date(),
    /** Why no public vendor page backs the fact, in words. */
    unpublished: z.string().min(10).optional(),
    /** Any other caveat (a copy of the page, a value to confirm in the vendor's console). */
    note: z.string().optional(),
  })
  .refine((s) => s.url !== undefined || s.unpublished !== undefined, {
    message:
      'a fact needs the public page (url) that states it, or says why there is none (unpublished)',
  })
export type FactSource = z.infer<typeof FactSource>

/**
 * Values the profile states and where they come from: literal sending values (IPs, domains), or,
 * with `about`, another fact of the vendor's guidance (a header value, a rule's condition).
 */
export const VendorFact = z.object({
  /** What the values are, when they are not sending values of the profile. */
  about: z.string().optional(),
  values: z.array(z.string()).min(1),
  source: FactSource,
})
export type VendorFact = z.infer<typeof VendorFact>

/** A vendor profile, as stored in `src/catalog/vendors/<id>.yaml`. */
export const VendorProfile = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: refOr(z.string().min(1)),
  category: refOr(VendorCategory),
  summary: z.string(),
  asOf: z.iso.date(),
  sources: z.array(VendorSource).min(1),
  params: z.array(VendorParam).default([]),
  sending: SendingIdentity.prefault({}),
  /** Extra sending identity merged in when a param has a given value: variants.<param>.<value>. */
  variants: z.record(z.string(), z.record(z.string(), SendingIdentity.partial())).default({}),
  /**
   * The path (and query) shapes of the vendor's tracking links and pixels, e.g.
   * `/api/v1/tracker?c=...`: `simulate` puts them on every link domain, so that URL allows are
   * matched against what real mail carries, not a bare host.
   */
  linkPaths: z.array(z.string().regex(/^\/[^\s]*$/, 'a link path starts with /')).default([]),
  /** Headers the vendor stamps (informative: never a rule's only condition). */
  headers: z.array(z.string()).default([]),
  /** The protections the vendor asks admins to adjust, pre-ticked in the wizard. */
  recommended: z.array(ProtectionId).default([]),
  /** The vendor's own mechanism per protection (`--mechanism recipe`). */
  recipe: z.partialRecord(ProtectionId, MechanismId).default({}),
  /** For inbound relays: the name of the recipe's mail flow rule (without passage's prefix). */
  ruleName: z.string().max(50).optional(),
  /** For inbound relays: name fragments that identify the relay's own inbound rule. */
  relayRulePatterns: z.array(z.string()).default([]),
  /** What the vendor asks of Microsoft 365 admins, in words. */
  asks: z.array(z.string()).default([]),
  /** What goes wrong without configuration. */
  symptoms: z.array(z.string()).default([]),
  /** Where passage's advice differs from the vendor's, and why. */
  notes: z.array(z.string()).default([]),
  /**
   * The public source (and date read) of each literal sending value. Optional in the schema, so
   * that a user's own profile need not cite; every catalog profile does (a test holds it).
   */
  facts: z.array(VendorFact).default([]),
})
export type VendorProfile = z.infer<typeof VendorProfile>
export type VendorProfileInput = z.input<typeof VendorProfile>
