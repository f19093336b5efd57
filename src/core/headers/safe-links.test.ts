import { describe, expect, it } from 'vitest'
import { decodeSafeLink, findSafeLinks, joinSoftBreaks } from './safe-links.js'
import { TENANT_ID, WRAPPED_TRACKING_LINK } from './test-fixtures.js'

describe('Safe Links', () => {
  it('decodes target, region, recipient, tenant and the data fields', () => {
    const l = decodeSafeLink(WRAPPED_TRACKING_LINK)
    expect(l).toMatchObject({
      target: 'https://track.phishsim-test.com/c/8f3a?u=alex&t=42',
      region: 'nam11',
      kind: 'email',
      recipient: 'alex.wilber@fabrikam.com',
      tenantId: TENANT_ID,
      messageId: '9d3e2f10-7c4b-4a55-bd21-08dd0a1c2b3e',
      version: '05|02',
    })
    expect(l?.wrappedAt).toMatch(/^2024-11-/)
    expect(l?.clientHint).toMatch(/^Mailflow\|\{/)
  })

  it('knows the older, US government, Teams and OWA forms', () => {
    expect(
      decodeSafeLink(
        'https://na01.safelinks.protection.outlook.com/?url=http%3A%2F%2Fa.example%2F&data=01%7C01%7Cb%40c.example%7C&sdata=x&reserved=0',
      ),
    ).toMatchObject({ region: 'na01', target: 'http://a.example/', recipient: 'b@c.example' })
    expect(
      decodeSafeLink(
        'https://gcc02.safelinks.protection.office365.us/?url=https%3A%2F%2Fa.example&data=x',
      )?.region,
    ).toBe('gcc02')
    expect(
      decodeSafeLink(
        'https://statics.teams.cdn.office.net/evergreen-assets/safelinks/1/atp-safelinks.html?url=https%3A%2F%2Fa.example%2Fx',
      ),
    ).toMatchObject({ kind: 'teams', region: null, target: 'https://a.example/x' })
    expect(
      decodeSafeLink('https://outlook.office.com/mail/safelink.html?url=https%3A%2F%2Fa.example'),
    ).toMatchObject({ kind: 'owa', target: 'https://a.example' })
    expect(decodeSafeLink('https://example.com/?url=x')).toBeNull()
    expect(
      decodeSafeLink('https://nam11.safelinks.protection.outlook.com/?url=%E0%A4%A&data=x')?.target,
    ).toBeNull()
  })

  it('finds links in HTML with &amp; and in quoted-printable bodies', () => {
    const html = `<a href="${WRAPPED_TRACKING_LINK.replace(/&/g, '&amp;')}">x</a> and again <${WRAPPED_TRACKING_LINK}>`
    const found = findSafeLinks(html)
    expect(found).toHaveLength(1)
    expect(found[0]?.target).toBe('https://track.phishsim-test.com/c/8f3a?u=alex&t=42')

    const qp = WRAPPED_TRACKING_LINK.replace(/=/g, '=3D')
    const body = `<a href=3D"${qp.slice(0, 60)}=\r\n${qp.slice(60)}">x</a>`
    const links = findSafeLinks(joinSoftBreaks(body))
    expect(links[0]?.target).toBe('https://track.phishsim-test.com/c/8f3a?u=alex&t=42')
    expect(links[0]?.tenantId).toBe(TENANT_ID)
  })

  it('caps the number of links examined', () => {
    const many = Array.from(
      { length: 1000 },
      (_, i) =>
        `https://nam11.safelinks.protection.outlook.com/?url=https%3A%2F%2Fa${i}.example&data=x`,
    ).join(' ')
    expect(findSafeLinks(many).length).toBeLessThanOrEqual(200)
  })
})
