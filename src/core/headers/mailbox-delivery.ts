/**
 * Decoder for X-Microsoft-Antispam-Mailbox-Delivery: where the mailbox put the message and which
 * mailbox logic decided. Microsoft doesn't document it; this is the community reading of
 * message-headers §1.3 (3p/obs).
 */
import { LazyField, lowerWord, splitPairs, wordsByLength, type DecodedField } from './fields.js'

/** A decoded X-Microsoft-Antispam-Mailbox-Delivery header. */
export interface MailboxDelivery {
  raw: string
  index: number
  /** I (Inbox), J (Junk), C (custom folder), as written. */
  dest: string | null
  /** The folder the dest value names. */
  folder: 'inbox' | 'junk' | 'custom' | 'unknown' | null
  /** OFR: which mailbox logic decided. */
  ofr: string | null
  /** RF: e.g. JunkEmail. */
  rf: string | null
  /** ucf, jmr, auth and the allow/block list flags, as written. */
  flags: Record<string, string>
  fields: DecodedField[]
}

/** Meanings of the dest values. */
export const DEST_MEANINGS: Readonly<Record<string, string>> = {
  I: 'Inbox',
  J: 'Junk Email folder',
  C: 'a custom folder (an Inbox rule moved it)',
}

/** Meanings of the OFR values. */
export const OFR_MEANINGS: Readonly<Record<string, string>> = {
  SpamFilterAuthJ: 'the spam filter verdict sent it to Junk',
  TrustedSenderList: "the sender is in the recipient's Safe Senders (trusted senders) list",
  SenderInAddressBook: "the sender is in the recipient's contacts (address book)",
  CustomRules: "the recipient's own Inbox rule decided",
  SpamFilterPass: 'the spam filter passed it',
  ExclusiveSettings:
    'the recipient\'s exclusive junk setting decided (e.g. "Only trust mail from my Safe Senders", TrustedListsOnly)',
}

/** Allow/block list hit flags (community reading; the meaning of each is undocumented). */
export const LIST_FLAGS: readonly string[] = [
  'abwl',
  'wl',
  'pcwl',
  'kl',
  'iwl',
  'ijl',
  'dwl',
  'dkl',
  'rwl',
]

/** Plain-English meaning of one Mailbox-Delivery key and value. */
export function mailboxDeliveryMeaning(
  key: string,
  value: string,
): { meaning: string; known: boolean } {
  const k = key.toLowerCase()
  switch (k) {
    case 'dest': {
      const m = DEST_MEANINGS[value.toUpperCase()]
      return { meaning: m ? `delivered to ${m}` : `destination "${value}"`, known: m !== undefined }
    }
    case 'ucf':
      return {
        meaning: value === '1' ? 'a user rule applied' : 'no user rule applied',
        known: true,
      }
    case 'jmr':
      return {
        meaning: value === '1' ? 'a junk-mail rule applied' : 'no junk-mail rule applied',
        known: true,
      }
    case 'auth':
      return { meaning: value === '1' ? 'authenticated' : 'not authenticated', known: true }
    case 'ofr': {
      const m = Object.entries(OFR_MEANINGS).find(([o]) => o.toLowerCase() === value.toLowerCase())
      return { meaning: m ? m[1] : `mailbox logic "${value}"`, known: m !== undefined }
    }
    case 'rf':
      return {
        meaning:
          value.toLowerCase() === 'junkemail'
            ? 'moved to the Junk Email folder'
            : `folder rule "${value}"`,
        known: value.toLowerCase() === 'junkemail',
      }
    case 'eng':
      return { meaning: 'internal engine rule IDs (undocumented)', known: true }
    default:
      if (LIST_FLAGS.includes(k))
        return {
          meaning: `allow/block list hit flag ${k}=${value} (community reading; wl/pcwl appear with Safe Senders)`,
          known: true,
        }
      return { meaning: 'not described; kept as written', known: false }
  }
}

/** The meaning of a field, worded when read. */
function wordField(key: string, value: string): string {
  return mailboxDeliveryMeaning(key, value).meaning
}

/** The OFR values described, lower-cased (OFR is read case-insensitively). */
const OFR_LOWER: ReadonlySet<string> = new Set(
  Object.keys(OFR_MEANINGS).map((o) => o.toLowerCase()),
)

/** Whether mailboxDeliveryMeaning describes the field (`key` lower-cased), without wording it. */
function isKnown(key: string, value: string): boolean {
  switch (key) {
    case 'dest':
      return DEST_MEANINGS[value.toUpperCase()] !== undefined
    case 'ofr':
      return OFR_LOWER.has(value.toLowerCase())
    case 'rf':
      return value.toLowerCase() === 'junkemail'
    case 'ucf':
    case 'jmr':
    case 'auth':
    case 'eng':
      return true
    default:
      return LIST_FLAGS.includes(key)
  }
}

/** The keys written in every Mailbox-Delivery header, lower-cased (see lowerWord). */
const KEYS = wordsByLength(['ucf', 'jmr', 'auth', 'dest', 'ofr', 'rf', 'eng', 'ex', ...LIST_FLAGS])

// ms-rule: hdr.verdict.mailbox-delivery
/** Decodes one Mailbox-Delivery value such as `ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;`. */
export function decodeMailboxDelivery(value: string, index = 0): MailboxDelivery {
  const pairs = splitPairs(value)
  const flags = Object.create(null) as Record<string, string>
  const fields: DecodedField[] = []
  let dest: string | null = null
  let ofr: string | null = null
  let rf: string | null = null
  for (const p of pairs) {
    const k = lowerWord(KEYS, p.key)
    fields.push(new LazyField(p.key, p.value, isKnown(k, p.value), wordField, p.key, null))
    if (k === 'dest') dest ??= p.value.toUpperCase()
    else if (k === 'ofr') ofr ??= p.value
    else if (k === 'rf') rf ??= p.value
    else if (k !== 'eng' && !(k in flags)) flags[k] = p.value
  }
  const folder =
    dest === null
      ? null
      : dest === 'I'
        ? 'inbox'
        : dest === 'J'
          ? 'junk'
          : dest === 'C'
            ? 'custom'
            : 'unknown'
  return { raw: value, index, dest, folder, ofr, rf, flags, fields }
}
