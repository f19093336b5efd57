/**
 * Decoder for X-MS-Exchange-AtpMessageProperties (`SA|SL`): which Defender for Office 365
 * features processed the message (message-headers §1.3, §1.6).
 */

/** Decoded X-MS-Exchange-AtpMessageProperties. */
export interface AtpProperties {
  raw: string
  index: number
  /** Safe Attachments ran (SA). */
  safeAttachments: boolean
  /** Safe Links ran (SL), even if no link was wrapped. */
  safeLinks: boolean
  /** Every value, as written. */
  values: string[]
}

/** Decodes an AtpMessageProperties value such as `SA|SL`. Never throws. */
export function decodeAtpProperties(value: string, index = 0): AtpProperties {
  const values = value
    .slice(0, 1024)
    .split(/[|;,\s]+/)
    .map((v) => v.trim())
    .filter((v) => v.length > 0)
    .slice(0, 32)
  const upper = values.map((v) => v.toUpperCase())
  return {
    raw: value,
    index,
    safeAttachments: upper.includes('SA'),
    safeLinks: upper.includes('SL'),
    values,
  }
}
