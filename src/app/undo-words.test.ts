import { describe, expect, it } from 'vitest'
import type { Change } from '../core/change.js'
import { undoSummary } from './undo-words.js'

const change = (c: Partial<Change>): Change =>
  ({
    id: 'c01',
    surface: 'anti-spam',
    op: 'update',
    target: 'contoso sales anti-spam',
    before: null,
    after: null,
    dependsOn: [],
    ...c,
  }) as Change

describe('undoSummary: what undoing a change does, in words', () => {
  it('names the object as the admin wrote it, not by its lower-cased key', () => {
    expect(
      undoSummary(
        change({
          before: { Name: 'Contoso Sales Anti-spam' },
          after: { Name: 'Contoso Sales Anti-spam' },
        }),
      ),
    ).toBe(
      "Restore the settings the anti-spam policy 'Contoso Sales Anti-spam' had before the apply",
    )
    expect(
      undoSummary(
        change({
          surface: 'transport-rule',
          op: 'create',
          target: 'passage: acme bypass',
          after: { Name: 'passage: Acme bypass' },
        }),
      ),
    ).toBe("Remove the mail flow rule 'passage: Acme bypass' the apply created")
  })

  it('falls back to the key when the object carries no name', () => {
    expect(undoSummary(change({ op: 'remove', target: 'x' }))).toBe(
      "Re-create the anti-spam policy 'x' the apply removed",
    )
  })
})
