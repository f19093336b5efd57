/**
 * Decoder for X-Microsoft-Antispam (BCL, PCL and diagnostic fields; message-headers §1.2).
 */
import {
  intValue,
  LazyField,
  splitPairs,
  upperWord,
  wordsByLength,
  type DecodedField,
} from './fields.js'
import { bclMeaning, pclMeaning } from './vocabulary.js'

/** A decoded X-Microsoft-Antispam header. */
export interface AntispamHeader {
  header: string
  index: number
  raw: string
  /** Renamed copy (`X-Microsoft-Antispam-Untrusted`): the sender's, not the recipient's. */
  renamed: boolean
  /** Bulk complaint level 0-9. */
  bcl: number | null
  /** Phishing confidence level (older mail). */
  pcl: number | null
  fields: DecodedField[]
}

/** Field keys (upper-cased) with a meaning. */
const KNOWN = new Set(['BCL', 'PCL', 'ARA', 'RULEID', 'SRVR'])
/** The keys, upper-cased (see upperWord). */
const KEYS = wordsByLength([...KNOWN])

/** Meaning of one field (key upper-cased). */
function fieldMeaning(key: string, value: string): string {
  if (key === 'BCL') {
    const n = intValue(value)
    return n === null
      ? 'bulk complaint level (not a number)'
      : `bulk complaint level ${n}: ${bclMeaning(n)}`
  }
  if (key === 'PCL') {
    const n = intValue(value)
    return n === null ? 'phishing confidence level (not a number)' : pclMeaning(n)
  }
  if (KNOWN.has(key)) return 'diagnostic field'
  return 'not described by Microsoft; kept as written'
}

/** Decodes one X-Microsoft-Antispam value. Never throws. */
export function decodeAntispam(
  value: string,
  header = 'X-Microsoft-Antispam',
  index = 0,
): AntispamHeader {
  const pairs = splitPairs(value)
  let bcl: number | null = null
  let pcl: number | null = null
  const fields: DecodedField[] = []
  for (const p of pairs) {
    const key = upperWord(KEYS, p.key)
    if (key === 'BCL') {
      if (bcl === null) bcl = intValue(p.value)
    } else if (key === 'PCL') {
      if (pcl === null) pcl = intValue(p.value)
    }
    fields.push(new LazyField(p.key, p.value, KNOWN.has(key), fieldMeaning, key, null))
  }
  return {
    header,
    index,
    raw: value,
    // The name as Exchange writes it is settled without a lower-cased copy.
    renamed: header !== 'X-Microsoft-Antispam' && header.toLowerCase() !== 'x-microsoft-antispam',
    bcl,
    pcl,
    fields,
  }
}
