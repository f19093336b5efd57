/**
 * Vendor categories in words, for people (the CLI, the wizard, planner reasons). The ids stay the
 * values `--param category=` and profiles take. No zod here: `passage vendors` reads it at start.
 */

/** Human labels of vendor categories, by category id. */
export const CATEGORY_LABELS: Readonly<Record<string, string>> = {
  'phishing-simulation': 'Phishing simulation',
  'inbound-relay': 'Inbound relay',
  'gateway-mx': 'Email gateway (MX)',
  'internal-comms': 'Internal communications',
  marketing: 'Marketing',
  'api-only': 'API-only security',
}

/** A category's label, or the id itself when it has none. */
export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category
}

/** A category as it reads inside a sentence ("an internal communications service"). */
export function categoryPhrase(category: string): string {
  const label = categoryLabel(category)
  const words = label === 'API-only security' ? label : label.toLowerCase()
  const service = words.replace(/ \(mx\)$/, '')
  return `${/^[aeiou]/i.test(service) ? 'an' : 'a'} ${service} service`
}
