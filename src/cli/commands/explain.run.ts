/** `passage explain`: the implementation, loaded when the command runs (see ./explain.ts). */
import { readText } from '../../app/files.js'
import { explain } from '../../app/explain.js'
import { journeyFromHeaders } from '../../core/journey/index.js'
import { formatJourney } from '../journey-text.js'
import { paint, printJson } from '../output.js'
import type { ExplainOptions } from './explain.js'

/** Explains a delivered message's headers, and whether a vendor's setup took effect. */
export async function run(file: string, o: ExplainOptions): Promise<void> {
  // The vendor catalog (YAML and zod when running from the sources) only when a vendor is named.
  const vendor =
    o.vendor || o.vendorFile
      ? await import('../../app/vendor-choice.js').then(({ chooseVendor, parseParams }) =>
          chooseVendor(o.vendor ?? 'custom', parseParams(o.param), o.vendorFile),
        )
      : undefined
  // `lines` is worded when read: --json prints the analysis only, so it never reads them.
  const explanation = explain(readText(file), vendor)
  const { analysis } = explanation
  const journey = journeyFromHeaders(analysis)
  if (o.json) printJson({ ...analysis, journey })
  else
    console.log(
      [
        ...explanation.lines,
        '',
        paint(
          'bold',
          'The mail’s path, as the headers tell it (▶ decided, • acted, ✓ passed, – skipped)',
        ),
        formatJourney(journey),
      ].join('\n'),
    )
}
