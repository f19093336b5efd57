/**
 * The `explain` use case: what a delivered message's headers say happened to it (the tenant's
 * verdict and why), and, for a vendor, whether its configuration took effect. The CLI's
 * `passage explain` and the wizard's header check both run it.
 *
 * Pure (core only, no I/O): the caller reads the text and resolves the vendor its own way (a
 * profile file on the command line, a catalog choice in the wizard).
 */
import {
  analyzeHeaders,
  explainLines,
  type HeaderAnalysis,
  type VendorInput,
} from '../core/headers/index.js'
import { PassageError } from '../core/errors/index.js'
import type { ResolvedVendor } from '../core/vendor/resolve.js'

/** A header analysis and its plain-language lines. */
export interface Explanation {
  analysis: HeaderAnalysis
  /** What the analysis says, one sentence a line (what `passage explain` prints); built when read. */
  lines: string[]
}

/** What identifies a vendor's mail to the header analyzer: its IPs, domains and link domains. */
export function vendorInput(v: ResolvedVendor): VendorInput {
  return {
    ips: v.sending.ips,
    domains: [
      ...new Set([
        ...v.sending.envelopeDomains,
        ...v.sending.dkimDomains,
        ...v.sending.headerFromDomains,
      ]),
    ],
    linkDomains: v.sending.linkDomains,
  }
}

/** A header line only e-mail has: one of these names at the start of a line. */
const MAIL_HEADER =
  /^(received|from|to|subject|date|message-id|return-path|authentication-results|dkim-signature|arc-[a-z-]+|x-ms-[a-z0-9-]+|x-microsoft-[a-z0-9-]+|x-forefront-[a-z0-9-]+|mime-version|delivered-to|reply-to|sender)\s*:/im

/** Explains a header block (or a whole message), checking the vendor's setup when one is given. */
export function explain(headers: string, vendor?: ResolvedVendor): Explanation {
  // A header block has at least one `Name: value` line; anything else is not what was meant.
  if (!/^[!-9;-~]+:/m.test(headers))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      headers.trim()
        ? 'The input holds no message header (no `Name: value` line).'
        : 'The input is empty: give the message headers (or the whole .eml).',
      {
        hint: 'In Outlook: File > Properties > Internet headers; in OWA: View > View message details. Paste them all, or save the .eml.',
      },
    )
  // `foo: bar` is not a message either: at least one header every delivered message carries.
  if (!MAIL_HEADER.test(headers))
    throw new PassageError(
      'PASSAGE_E_INPUT',
      'The input holds no e-mail header (no Received, From, Subject, Message-ID, Authentication-Results or Microsoft header).',
      {
        hint: 'In Outlook: File > Properties > Internet headers; in OWA: View > View message details. Paste them all, or save the .eml.',
      },
    )
  const analysis = analyzeHeaders(headers, vendor ? { vendor: vendorInput(vendor) } : {})
  // The lines are worded when first read: a caller that prints only the analysis (--json) never
  // builds them.
  let lines: string[] | undefined
  return {
    analysis,
    get lines(): string[] {
      return (lines ??= explainLines(analysis))
    },
  }
}
