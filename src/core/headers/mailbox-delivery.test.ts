import { describe, expect, it } from 'vitest'
import { decodeMailboxDelivery, mailboxDeliveryMeaning } from './mailbox-delivery.js'

// Every row of the Mailbox-Delivery table of message-headers §1.3.
const ROWS: [string, string, RegExp][] = [
  ['dest', 'I', /Inbox/],
  ['dest', 'J', /Junk/],
  ['dest', 'C', /custom folder.*Inbox rule/],
  ['ucf', '1', /user rule applied/],
  ['jmr', '1', /junk-mail rule/],
  ['auth', '1', /authenticated/],
  ['OFR', 'SpamFilterAuthJ', /spam filter.*Junk/],
  ['OFR', 'TrustedSenderList', /Safe Senders/],
  ['OFR', 'SenderInAddressBook', /contacts/],
  ['OFR', 'CustomRules', /Inbox rule/],
  ['OFR', 'SpamFilterPass', /passed/],
  ['OFR', 'ExclusiveSettings', /TrustedListsOnly|Only trust/],
  ['RF', 'JunkEmail', /Junk/],
  ['abwl', '1', /allow\/block list hit flag/],
  ['wl', '1', /allow\/block list hit flag/],
  ['pcwl', '1', /allow\/block list hit flag/],
  ['kl', '0', /allow\/block list hit flag/],
  ['iwl', '0', /allow\/block list hit flag/],
  ['ijl', '0', /allow\/block list hit flag/],
  ['dwl', '0', /allow\/block list hit flag/],
  ['dkl', '0', /allow\/block list hit flag/],
  ['rwl', '0', /allow\/block list hit flag/],
]

describe('X-Microsoft-Antispam-Mailbox-Delivery', () => {
  it.each(ROWS)('%s:%s', (key, value, meaning) => {
    const m = mailboxDeliveryMeaning(key, value)
    expect(m.meaning).toMatch(meaning)
    expect(m.known).toBe(true)
  })

  it('decodes a whole header', () => {
    const d = decodeMailboxDelivery(
      'wl:1;pcwl:1;kl:0;ucf:0;jmr:0;auth:0;dest:J;OFR:SpamFilterAuthJ;ENG:(910001)(944506478);RF:JunkEmail;zz:9',
    )
    expect(d).toMatchObject({ dest: 'J', folder: 'junk', ofr: 'SpamFilterAuthJ', rf: 'JunkEmail' })
    expect(d.flags).toEqual({ wl: '1', pcwl: '1', kl: '0', ucf: '0', jmr: '0', auth: '0', zz: '9' })
    expect(d.fields.find((f) => f.key === 'zz')?.known).toBe(false)
    expect(decodeMailboxDelivery('dest:C;').folder).toBe('custom')
    expect(decodeMailboxDelivery('dest:Q;').folder).toBe('unknown')
    expect(decodeMailboxDelivery('ucf:0;').folder).toBeNull()
  })
})
