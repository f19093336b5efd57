/**
 * The evaluator's notes name the Microsoft page a rule comes from by its file in Microsoft's docs
 * repositories ("secure-by-default.md"), which is how the code and the behaviour register cite
 * them. People need the page itself: `linkMicrosoftPages` turns each such name into its address on
 * learn.microsoft.com, so a note reads "https://learn.microsoft.com/defender-office-365/...".
 */

/** Pages of OfficeDocs-Exchange and microsoft-365-docs that the notes cite (the rest are defender-docs). */
const ELSEWHERE: Readonly<Record<string, string>> = {
  'enhanced-filtering-for-connectors':
    'https://learn.microsoft.com/exchange/mail-flow-best-practices/use-connectors-to-configure-mail-flow/enhanced-filtering-for-connectors',
  'office-365-worldwide-endpoints':
    'https://learn.microsoft.com/microsoft-365/enterprise/urls-and-ip-address-ranges',
}

/** A cmdlet's page in office-docs-powershell is named after the cmdlet: Verb-Noun. */
const CMDLET = /^[A-Z][a-z]+-[A-Za-z0-9]+$/

/** The learn.microsoft.com address of a page of Microsoft's docs, by its file name without ".md". */
export function microsoftPageUrl(name: string): string {
  const elsewhere = ELSEWHERE[name]
  if (elsewhere) return elsewhere
  if (CMDLET.test(name))
    return `https://learn.microsoft.com/powershell/module/exchange/${name.toLowerCase()}`
  return `https://learn.microsoft.com/defender-office-365/${name}`
}

/** Replaces every "<page>.md" in a note with the page's address (other text unchanged). */
export function linkMicrosoftPages(text: string): string {
  return text.replace(/\b([A-Za-z][A-Za-z0-9-]*[A-Za-z0-9])\.md\b/g, (_m, name: string) =>
    microsoftPageUrl(name),
  )
}
