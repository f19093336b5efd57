/** Longest pattern the evaluator will compile (Exchange allows 20 KB of regex per organisation). */
export const MAX_PATTERN_LENGTH = 2048

/** Longest header value a pattern is run against. */
export const MAX_INPUT_LENGTH = 16 * 1024

/** A group holding a quantifier that is itself quantified, e.g. `(a+)+`: exponential backtracking. */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]/
const BACKREFERENCE = /\\[1-9]/

/** The outcome of testing a pattern: a match result, or why it was not evaluated. */
export type RegexOutcome = { ok: true; matched: boolean } | { ok: false; reason: string }

/**
 * Tests a mail flow rule pattern against a header value, case-insensitively as Exchange does.
 * Refuses patterns that are too long, fail to compile, or look catastrophically slow (nested
 * quantifiers, back-references); the input is truncated to a bounded length.
 */
export function testPattern(pattern: string, value: string): RegexOutcome {
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN_LENGTH} characters` }
  if (NESTED_QUANTIFIER.test(pattern) || BACKREFERENCE.test(pattern))
    return {
      ok: false,
      reason: 'pattern has nested quantifiers or back-references (could run for a very long time)',
    }
  let re: RegExp
  try {
    re = new RegExp(pattern, 'i')
  } catch (e) {
    return {
      ok: false,
      reason: `pattern does not compile: ${e instanceof Error ? e.message : String(e)}`,
    }
  }
  try {
    return { ok: true, matched: re.test(value.slice(0, MAX_INPUT_LENGTH)) }
  } catch (e) {
    return { ok: false, reason: `pattern failed: ${e instanceof Error ? e.message : String(e)}` }
  }
}
