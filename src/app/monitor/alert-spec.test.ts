import { describe, expect, it } from 'vitest'
import { AlertSpec, sinksOf, webhookUrl } from './alert-spec.js'

describe('alert spec', () => {
  it('keeps where a secret is, never a secret: a spec with a literal secret is refused', () => {
    expect(
      AlertSpec.safeParse({ webhook: { url: 'https://h/x', secret: { value: 's3cret' } } }).success,
    ).toBe(false)
    expect(
      AlertSpec.safeParse({ webhook: { url: 'https://h/x', secret: { env: 'HOOK_SECRET' } } })
        .success,
    ).toBe(true)
  })

  it('wants exactly one of an environment variable or a file for a secret', () => {
    expect(AlertSpec.safeParse({ webhook: { url: 'https://h', secret: {} } }).success).toBe(false)
    expect(
      AlertSpec.safeParse({ webhook: { url: 'https://h', secret: { env: 'A', file: '/f' } } })
        .success,
    ).toBe(false)
  })

  it('says a missing webhook secret before any tenant is read, naming the variable only', () => {
    expect(() =>
      sinksOf({ webhook: { url: 'https://hooks.example/x', secret: { env: 'NOPE_SECRET' } } }, {}),
    ).toThrow(/NOPE_SECRET is not set/)
  })

  it('builds one sink per channel, named without the secret', () => {
    const sinks = sinksOf(
      {
        webhook: { url: 'https://hooks.example/x?token=abc', secret: { env: 'S' } },
        email: { host: 'smtp.example', port: 587, from: 'p@example.com', to: ['ops@example.com'] },
      },
      { S: 'the-secret' },
    )
    expect(sinks).toHaveLength(2)
    for (const s of sinks) expect(s.name).not.toContain('the-secret')
    expect(sinks[1]?.name).toContain('ops@example.com')
  })

  it('refuses an SMTP user without a password source', () => {
    expect(() =>
      sinksOf({ email: { host: 'h', port: 25, from: 'a@b.c', to: ['d@e.f'], user: 'u' } }, {}),
    ).toThrow(/SMTP user needs its password/)
  })
})

describe('webhook URL', () => {
  it('takes https anywhere and http to this machine only', () => {
    expect(webhookUrl('https://hooks.example/p')).toBe('https://hooks.example/p')
    expect(webhookUrl('http://127.0.0.1:9000/p')).toBe('http://127.0.0.1:9000/p')
    expect(() => webhookUrl('http://hooks.example/p')).toThrow(/must be https/)
    expect(() => webhookUrl('ftp://hooks.example/p')).toThrow(/must be https/)
  })

  it('refuses credentials in the URL and text that is not a URL', () => {
    expect(() => webhookUrl('https://u:p@hooks.example/')).toThrow(/user name or password/)
    expect(() => webhookUrl('not a url')).toThrow(/is not a URL/)
  })
})
