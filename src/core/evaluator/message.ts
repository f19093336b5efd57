import { z } from 'zod'
import { parseIpEntry } from '../net/ip.js'

const ip = z
  .string()
  .trim()
  .refine((s) => parseIpEntry(s)?.form === 'address', 'must be a single IPv4 or IPv6 address')

const address = z
  .string()
  .trim()
  .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'must be an email address')
  .transform((s) => s.toLowerCase())

/** What the filters found in the message content (the tester says, the evaluator does not scan). */
export const DetectionKind = z.enum([
  'none',
  'spam',
  'high-confidence-spam',
  'bulk',
  'phish',
  'high-confidence-phish',
  'malware',
  'spoof',
  'impersonation',
])
export type DetectionKind = z.infer<typeof DetectionKind>

const DetectionObject = z.object({
  kind: DetectionKind,
  /** Bulk complaint level 0-9; required for `bulk`. */
  bcl: z.number().int().min(0).max(9).optional(),
  /** Which impersonation protection fired (MDO); default user. */
  impersonation: z.enum(['user', 'domain', 'mailbox-intelligence']).optional(),
})

/** One detection: a kind, or an object with the kind and its detail (`bcl` for bulk). */
export const Detection = z
  .union([DetectionKind, DetectionObject])
  .transform((d) => (typeof d === 'string' ? { kind: d } : d))
  .refine((d) => d.kind !== 'bulk' || d.bcl !== undefined, 'bulk needs a bcl (0-9)')
export type Detection = z.infer<typeof Detection>

/** Per-recipient Outlook Safe Senders / Blocked Senders: recipient address -> entries. */
const perRecipient = z
  .record(z.string(), z.array(z.string()))
  .optional()
  .transform((r) =>
    Object.fromEntries(
      Object.entries(r ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v.map(lower)]),
    ),
  )

function lower(s: string): string {
  return s.trim().toLowerCase()
}

/**
 * A test message: who sent it from where, what authentication yields for its true source, to whom,
 * what it carries, and what the content filters would find in it.
 */
export const TestMessage = z.object({
  /** The IP of the sending server (the true source when no gateway is in front of Microsoft 365). */
  connectingIp: ip,
  /**
   * The PTR (reverse DNS) name of the source IP: a host name, `null` when the IP has no PTR record,
   * absent when unknown. Spoofed-sender entries identify the sending infrastructure by the PTR's
   * domain, or by the source's /24 only when there is no PTR record
   * (tenant-allow-block-list-email-spoof-configure.md); without it those matches are uncertain.
   */
  ptr: z.string().trim().toLowerCase().nullable().optional(),
  /** Country code of the connecting IP, stamped as CTRY when given. */
  country: z.string().optional(),
  /** The envelope sender (5321.MailFrom). */
  mailFrom: address,
  /** The From header address (5322.From). */
  headerFrom: address,
  /** The display name of the From header, if any (what rules on the From header see). */
  fromName: z.string().optional(),
  /** The d= domain of the DKIM signature, if any. */
  dkimDomain: z.string().trim().transform(lower).nullable().default(null),
  /** Authentication results as the true source yields them. */
  auth: z.object({
    spf: z.enum(['pass', 'fail', 'softfail', 'neutral', 'none', 'temperror', 'permerror']),
    dkim: z.enum(['pass', 'fail', 'none']),
    dmarc: z.enum(['pass', 'fail', 'bestguesspass', 'none']),
    /** The p= of the From domain's DMARC record. */
    dmarcPolicy: z.enum(['none', 'quarantine', 'reject']).optional(),
  }),
  recipients: z.array(address).min(1),
  urls: z.array(z.string().trim().min(1)).default([]),
  attachments: z.array(z.string()).default([]),
  /**
   * The file types the common attachments filter detects in the attachments (true type, else the
   * extension: `exe`, `iso`, ...). Optional: without it the filter is not evaluated, since a file
   * name alone does not give the true type (defender-docs anti-malware-protection-about.md).
   */
  attachmentTypes: z.array(z.string().trim().min(1)).optional(),
  /** Headers the sender set, name -> value. */
  headers: z.record(z.string(), z.string()).default({}),
  subject: z.string().default(''),
  detections: z.array(Detection).default([]),
  userSafeSenders: perRecipient,
  userBlockedSenders: perRecipient,
  /**
   * The IPs the message passed through, last hop first (the last is the original source). Used to
   * model a gateway in front of Microsoft 365 and Enhanced Filtering.
   */
  hops: z.array(ip).optional(),
  /** `intra-org` for mail sent inside the organisation over an authenticated connection (DIR:INT). */
  direction: z.enum(['inbound', 'intra-org']).default('inbound'),
})
export type TestMessage = z.infer<typeof TestMessage>
/** A test message as written (before defaults apply). */
export type TestMessageInput = z.input<typeof TestMessage>

/** The domain part of an address, lower-cased. */
export function domainOf(addr: string): string {
  return addr.slice(addr.lastIndexOf('@') + 1).toLowerCase()
}
