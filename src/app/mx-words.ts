/**
 * How sure discovery is of a tenant's MX routing, in words. Node-free (the wizard's API views use
 * it, and the web client's type-check follows their imports).
 */

/** Whether DNS was asked for the MX: `skipped` (a sandbox, an override), `answered`, `no-answer`. */
export type MxLookup = 'skipped' | 'answered' | 'no-answer'

/** Where the routing came from, as discovery records it. */
export type MxSource = 'override' | 'dns' | 'connector' | 'default'

/**
 * How sure discovery is of the MX routing, in words for the admin: a routing found in DNS or the
 * connectors is a fact; one assumed because nothing said otherwise is a guess, and says so
 * ("probably", and whether DNS could not be looked up). `guess` is true for the latter.
 */
export function mxCertainty(source: MxSource, lookup: MxLookup): { guess: boolean; words: string } {
  switch (source) {
    case 'override':
      return { guess: false, words: 'as you set it' }
    case 'dns':
      return { guess: false, words: 'from your DNS MX records' }
    case 'connector':
      return { guess: false, words: 'from your inbound connectors' }
    default:
      return {
        guess: true,
        words:
          lookup === 'no-answer'
            ? 'probably: the MX records could not be looked up (DNS did not answer in time) and no inbound connector names a gateway'
            : lookup === 'skipped'
              ? 'probably: DNS was not asked (a sandbox tenant) and no inbound connector names a gateway'
              : 'probably: no MX record or inbound connector names a gateway',
      }
  }
}
