/**
 * What undoing a change does, in words, for rollback's progress and result ("Remove the mail flow
 * rule 'passage: Acme bypass spam filtering' the apply created"), instead of the apply's own title.
 */
import type { Change, SurfaceKind } from '../core/change.js'

/** The kind of object each surface holds, as an admin calls it. */
const OBJECT: Record<SurfaceKind, string> = {
  'transport-rule': 'mail flow rule',
  'connection-filter': 'connection filter policy',
  'anti-spam': 'anti-spam policy',
  'anti-phish': 'anti-phishing policy',
  'safe-links': 'Safe Links policy',
  'safe-attachments': 'Safe Attachments policy',
  'tabl-item': 'Tenant Allow/Block List entry',
  'tabl-spoof': 'spoofed-sender allow',
  'quarantine-policy': 'quarantine policy',
  'phish-sim-policy': 'advanced delivery policy',
  'phish-sim-rule': 'advanced delivery rule',
  'inbound-connector': 'inbound connector',
  'malware-filter': 'anti-malware policy',
  'preset-rule': 'preset security policy rule',
}

/** Tenant Allow/Block List types, as the portal names them. */
const LIST_WORDS: Record<string, string> = {
  Url: 'URL',
  Sender: 'sender',
  FileHash: 'file',
  IP: 'IP address',
}

/** The object a change touched, named ("the mail flow rule 'X'", "the URL allow for x.com"). */
function objectWords(change: Change): string {
  if (change.surface === 'tabl-item') {
    // Targets read `Url:Tenant:Allow:example.com` (list type, subtype, action, value).
    const [list, , action, ...rest] = change.target.split(':')
    if (list && action && rest.length)
      return `the Tenant Allow/Block List ${LIST_WORDS[list] ?? list.toLowerCase()} ${action.toLowerCase()} for ${rest.join(':')}`
  }
  if (change.surface === 'preset-rule') {
    // Targets read `EOP:<rule name>` or `ATP:<rule name>` (the two rules of a preset share names).
    const [kind, ...name] = change.target.split(':')
    const which = kind === 'ATP' ? 'Defender for Office 365' : 'Exchange Online Protection'
    return `the ${which} ${OBJECT[change.surface]} '${name.join(':')}'`
  }
  return `the ${OBJECT[change.surface]} '${nameOf(change)}'`
}

/**
 * The object's name as the admin wrote it: the change's target is its key, lower-cased for
 * matching ('contoso sales anti-spam'), so the name the object carries wins when it has one.
 */
function nameOf(change: Change): string {
  const name = change.after?.['Name'] ?? change.before?.['Name']
  return typeof name === 'string' && name ? name : change.target
}

/** What undoing `change` does: remove what the apply created, restore what it changed. */
export function undoSummary(change: Change): string {
  const what = objectWords(change)
  switch (change.op) {
    case 'create':
      return `Remove ${what} the apply created`
    case 'remove':
      return `Re-create ${what} the apply removed`
    default:
      return `Restore the settings ${what} had before the apply`
  }
}
