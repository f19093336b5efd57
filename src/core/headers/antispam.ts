/**
 * Decoder for X-Microsoft-Antispam (BCL, PCL and diagnostic fields; message-headers §1.2).
 */
import { intValue, splitPairs, type DecodedField } from './fields.js'
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
    const key = p.key.toUpperCase()
    if (key === 'BCL') {
      const n = intValue(p.value)
      if (bcl === null) bcl = n
      fields.push({
        key: p.key,
        value: p.value,
        meaning:
          n === null
            ? 'bulk complaint level (not a number)'
            : `bulk complaint level ${n}: ${bclMeaning(n)}`,
        known: true,
      })
    } else if (key === 'PCL') {
      const n = intValue(p.value)
      if (pcl === null) pcl = n
      fields.push({
        key: p.key,
        value: p.value,
        meaning: n === null ? 'phishing confidence level (not a number)' : pclMeaning(n),
        known: true,
      })
    } else if (key === 'ARA' || key === 'RULEID' || key === 'SRVR') {
      fields.push({ key: p.key, value: p.value, meaning: 'diagnostic field', known: true })
    } else {
      fields.push({
        key: p.key,
        value: p.value,
        meaning: 'not described by Microsoft; kept as written',
        known: false,
      })
    }
  }
  return {
    header,
    index,
    raw: value,
    renamed: header.toLowerCase() !== 'x-microsoft-antispam',
    bcl,
    pcl,
    fields,
  }
}
