import { describe, expect, it } from 'vitest'
import { article, named } from './words.js'

describe('journey words', () => {
  it('an unnamed object takes the article its sound asks for', () => {
    expect(named({ kind: 'IP Allow List entry', name: '' })).toBe('an IP Allow List entry')
    expect(named({ kind: 'MX record', name: '' })).toBe('an MX record')
    expect(named({ kind: 'anti-spam policy', name: '' })).toBe('an anti-spam policy')
    expect(named({ kind: 'mail flow rule', name: '' })).toBe('a mail flow rule')
    expect(named({ kind: 'Safe Links policy', name: '' })).toBe('a Safe Links policy')
    expect(article('URL allow')).toBe('a')
  })

  it('a named object is called by its name, with no article', () => {
    expect(named({ kind: 'mail flow rule', name: 'passage: x' })).toBe(
      "mail flow rule 'passage: x'",
    )
    expect(named(null)).toBe('')
  })
})
