/**
 * Header analyzer throughput on one core: realistic header blocks per second through
 * analyzeHeaders. Run with `./node_modules/.bin/tsx bench/headers.ts`. Prints figures; asserts
 * nothing; bounded to a few seconds.
 */
import { analyzeHeaders } from '../src/core/headers/index.js'
import {
  SAMPLE_CROSS_TENANT,
  SAMPLE_FORGED,
  SAMPLE_JUNKED_SPAM,
  SAMPLE_SAFE_LINKS_EML,
  SAMPLE_TRANSPORT_RULE,
  VENDOR,
  WRAPPED_TRACKING_LINK,
} from '../src/core/headers/test-fixtures.js'

/** A 2 MB .eml: a real header block and a long HTML body with Safe Links every few lines. */
const bigEml =
  SAMPLE_SAFE_LINKS_EML +
  Array.from(
    { length: 6000 },
    (_, i) =>
      `<p>Paragraph ${i} of a long newsletter with some text to skip over before the next link.</p>` +
      (i % 20 === 0 ? `<a href="${WRAPPED_TRACKING_LINK}">link</a>` : ''),
  ).join('\r\n')

const cases: [string, string][] = [
  ['transport rule (SKN), Outlook order', SAMPLE_TRANSPORT_RULE],
  ['junked spam', SAMPLE_JUNKED_SPAM],
  ['cross-tenant with -Untrusted copy', SAMPLE_CROSS_TENANT],
  ['forged, no Microsoft hop', SAMPLE_FORGED],
  ['whole .eml with Safe Links body', SAMPLE_SAFE_LINKS_EML],
  [`${(bigEml.length / 1e6).toFixed(1)} MB .eml`, bigEml],
]

const BUDGET_MS = 300

function run(input: string, withVendor: boolean): { perSecond: number; mbPerSecond: number } {
  const opts = withVendor ? { vendor: VENDOR } : {}
  for (let i = 0; i < 20; i++) analyzeHeaders(input, opts) // warm up
  let n = 0
  const t0 = performance.now()
  let elapsed = 0
  while (elapsed < BUDGET_MS) {
    analyzeHeaders(input, opts)
    n++
    elapsed = performance.now() - t0
  }
  const perSecond = (n / elapsed) * 1000
  return { perSecond, mbPerSecond: (perSecond * input.length) / 1e6 }
}

console.log('analyzeHeaders throughput (one core)')
console.log(
  'case'.padEnd(40),
  'size'.padStart(10),
  'blocks/s'.padStart(12),
  'MB/s'.padStart(8),
  'w/ vendor'.padStart(12),
)
for (const [name, input] of cases) {
  const plain = run(input, false)
  const vendor = run(input, true)
  console.log(
    name.padEnd(40),
    `${(input.length / 1024).toFixed(1)} KB`.padStart(10),
    plain.perSecond.toFixed(0).padStart(12),
    plain.mbPerSecond.toFixed(1).padStart(8),
    vendor.perSecond.toFixed(0).padStart(12),
  )
}
