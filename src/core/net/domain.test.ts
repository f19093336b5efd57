import { describe, expect, it } from 'vitest'
import { hostOfEntry, isSharedDomain, sharedDomainReason } from './domain.js'

describe('shared and consumer domains (reliability review D4)', () => {
  it.each([
    ['hotmail.co.uk', 'consumer-mailbox'],
    ['outlook.com.br', 'consumer-mailbox'],
    ['msn.co.jp', 'consumer-mailbox'],
    ['yahoo.fr', 'consumer-mailbox'],
    ['gmx.at', 'consumer-mailbox'],
    ['web.de', 'consumer-mailbox'],
    ['googlegroups.com', 'shared-sending-platform'],
    ['mktomail.com', 'shared-sending-platform'],
    ['bounce.linkedin.com', 'shared-sending-platform'],
    ['bit.ly', 'url-shortener'],
    ['1drv.ms', 'file-sharing'],
    ['contoso.sharepoint.com', 'file-sharing'],
    ['forms.office.com', 'file-sharing'],
    ['contoso.onmicrosoft.com', 'microsoft'],
    ['foo.blob.core.windows.net', 'shared-hosting'],
    ['x.github.io', 'shared-hosting'],
    ['app.herokuapp.com', 'shared-hosting'],
  ])('%s is on the %s list, with a reason and an alternative', (domain, list) => {
    const r = sharedDomainReason(domain)
    expect(r?.list).toBe(list)
    expect(r?.why).not.toBe('')
    expect(r?.instead).not.toBe('')
    expect(isSharedDomain(domain)).toBe(true)
  })

  it('names where the match came from', () => {
    expect(sharedDomainReason('x.herokuapp.com')).toMatchObject({
      source: 'public-suffix-list',
      matched: 'herokuapp.com',
    })
    expect(sharedDomainReason('hotmail.es')).toMatchObject({ matched: 'hotmail.*' })
    expect(sharedDomainReason('yahoo.com')?.source).toBe('passage')
    expect(sharedDomainReason('sharepoint.com')?.source).toBe('passage')
  })

  it.each([
    'https://bit.ly/abc',
    '*.bit.ly',
    'BIT.LY.',
    'user@gmail.com',
    'https://user:pw@Tinyurl.com:443/x?y#z',
    '~bit.ly',
  ])('reads the host out of %s', (input) => {
    expect(isSharedDomain(input)).toBe(true)
  })

  it.each([
    'contactmonkey.com',
    'daer.contactmonkey.org',
    'tk.cmnky.co',
    'mail.vendor-sample.com',
    'phishsim-test.com',
    'psm.knowbe4.com',
    'trustifi.com',
    'northwindtraders.com',
    'mimecast.com',
  ])("%s (a vendor's own domain) is not shared", (domain) => {
    expect(sharedDomainReason(domain)).toBeNull()
  })

  it('hostOfEntry normalises to ASCII and refuses non-hosts', () => {
    expect(hostOfEntry('Bücher.DE')).toBe('xn--bcher-kva.de')
    expect(hostOfEntry('')).toBeNull()
    expect(hostOfEntry('https://')).toBeNull()
  })
})
