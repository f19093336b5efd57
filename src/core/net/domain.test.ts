import { describe, expect, it } from 'vitest'
import {
  hostOfEntry,
  isSharedDomain,
  isValidDomain,
  registrableDomain,
  sharedDomainReason,
} from './domain.js'

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

describe('which entry a shared-domain refusal names', () => {
  it('a reviewed entry, the most specific first, with its own reason and the list’s alternative', () => {
    expect(sharedDomainReason('forms.office.com')).toMatchObject({
      list: 'file-sharing',
      matched: 'forms.office.com',
      source: 'passage',
    })
    const r = sharedDomainReason('contoso.sharepoint.com')
    expect(r).toMatchObject({ list: 'file-sharing', matched: 'sharepoint.com', source: 'passage' })
    expect(r?.instead).toMatch(/^Have the vendor host files on its own domain/)
  })

  it('a consumer brand under any suffix, naming the registrable domain', () => {
    expect(sharedDomainReason('mail.hotmail.es')).toEqual({
      list: 'consumer-mailbox',
      matched: 'hotmail.*',
      source: 'passage',
      why: 'hotmail.es is a country or regional domain of a consumer mailbox provider: anyone can open an address there',
      instead: expect.stringMatching(/^Identify the vendor by its dedicated sending IPs/) as string,
    })
  })

  it('a free mailbox provider from the email-providers list, itself or a parent', () => {
    for (const d of ['0815.ru', 'x.0815.ru'])
      expect(sharedDomainReason(d)).toMatchObject({
        list: 'consumer-mailbox',
        matched: '0815.ru',
        source: 'email-providers',
        why: expect.stringMatching(
          /free or consumer mailbox provider \(email-providers list\)/,
        ) as string,
      })
  })

  it('a shared platform of the Public Suffix List’s private section, the platform itself included', () => {
    expect(sharedDomainReason('herokuapp.com')).toMatchObject({
      list: 'shared-hosting',
      matched: 'herokuapp.com',
      why: expect.stringMatching(/^herokuapp\.com is a shared platform/) as string,
    })
  })

  it('nothing for what is no host', () => {
    expect(sharedDomainReason('')).toBeNull()
    expect(sharedDomainReason('@')).toBeNull()
    expect(isSharedDomain('a b.com')).toBe(false)
  })
})

describe('hostOfEntry: the host a sender, spoofed user or URL entry names', () => {
  it.each([
    ['  Example.COM  ', 'example.com'],
    ['HTTPS://Example.com/path', 'example.com'],
    ['svn+ssh://example.com', 'example.com'],
    ['example.com/path', 'example.com'],
    ['example.com?q=1', 'example.com'],
    ['example.com#frag', 'example.com'],
    ['example.com\\share', 'example.com'],
    ['user@example.com', 'example.com'],
    ['"a@b"@example.com', 'example.com'],
    ['example.com:25', 'example.com'],
    ['example.com:', 'example.com'],
    ['*.example.com', 'example.com'],
    ['~example.com', 'example.com'],
    ['.example.com', 'example.com'],
    ['*.*.example.com', 'example.com'],
    ['example.com...', 'example.com'],
  ])('%s -> %s', (input, host) => {
    expect(hostOfEntry(input)).toBe(host)
  })

  it('takes the host before a path, and never a host hidden in the path or a later scheme', () => {
    expect(hostOfEntry('example.com/path@evil.com')).toBe('example.com')
    expect(hostOfEntry('example.com/x\ny')).toBe('example.com')
    expect(hostOfEntry('user@bar://baz.com')).toBe('bar')
    expect(hostOfEntry('@example.com')).toBe('example.com')
  })

  it('drops a trailing full stop that IDNA maps to a dot', () => {
    expect(hostOfEntry('example.com\u3002')).toBe('example.com')
  })

  it('keeps what is part of the host', () => {
    expect(hostOfEntry('mail.example.com')).toBe('mail.example.com')
    expect(hostOfEntry('a.b:c.com')).toBeNull()
  })

  it('is null for no host at all', () => {
    for (const bad of ['', '   ', '*.', '...', 'user@', 'a b.com', 'http://[::1'])
      expect(hostOfEntry(bad), bad).toBeNull()
  })
})

describe('isValidDomain and registrableDomain', () => {
  it('accepts a domain with a known public suffix, ICANN or private, however written', () => {
    expect(isValidDomain('contactmonkey.com')).toBe(true)
    expect(isValidDomain(' *.Tk.CMNKY.co. ')).toBe(true)
    expect(isValidDomain('x.github.io')).toBe(true)
  })

  it('refuses addresses, bare suffixes, unknown suffixes, odd characters and over-long names', () => {
    for (const bad of [
      '',
      '1.2.3.4',
      'com',
      'co.uk',
      'localhost',
      'foo.notatld',
      'foo_bar.com',
      'bücher.de',
      'a b.com',
    ])
      expect(isValidDomain(bad), bad).toBe(false)
    // A shared platform's own suffix (Public Suffix List, private section) is no domain of anyone's.
    expect(isValidDomain('herokuapp.com')).toBe(false)
    expect(isValidDomain('github.io')).toBe(false)
    const label = 'a'.repeat(63)
    const at253 = `${label}.${label}.${label}.${'a'.repeat(57)}.com`
    expect(at253).toHaveLength(253)
    expect(isValidDomain(at253)).toBe(true)
    expect(isValidDomain(`a${at253}`)).toBe(false)
  })

  it('registrableDomain: the domain under its public suffix, or null', () => {
    expect(registrableDomain('tk.cmnky.co')).toBe('cmnky.co')
    expect(registrableDomain(' *.News.Fabrikam.CO.UK. ')).toBe('fabrikam.co.uk')
    expect(registrableDomain('localhost')).toBeNull()
  })
})
