/**
 * The app-only sign-in with derived tenant metadata (src/exchange/authority-metadata.ts) against
 * the sandbox, an authority msal has no built-in metadata for: one OpenID document per authority
 * for a process, not one per tenant; each token still its tenant's; an unknown tenant still said
 * as unknown.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signInWithCertificate } from '../../src/exchange/auth.js'
import { readClaims } from '../../src/exchange/claims.js'
import { createHttpClient, type HttpClient } from '../../src/exchange/http.js'
import { fleetRegistration } from '../../src/sandbox/fleet/index.js'
import { startSandbox, type RunningSandbox } from '../../src/sandbox/index.js'

describe('app-only sign-in against an authority without built-in metadata (the sandbox)', () => {
  let sb: RunningSandbox
  let dir: string
  const app = fleetRegistration({ seed: 7 })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'passage-authority-'))
    sb = await startSandbox({
      certDir: dir,
      fleet: { tenants: 4, seed: 7, preEnrolled: true, registration: app.registration },
    })
  })
  afterAll(async () => {
    await sb.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** An HTTP client that notes the paths it was asked for. */
  function recording(): { http: HttpClient; paths: string[] } {
    const inner = createHttpClient({ ca: sb.caPem })
    const paths: string[] = []
    return {
      paths,
      http: {
        request(r) {
          paths.push(new URL(r.url).pathname)
          return inner.request(r)
        },
        close: () => inner.close(),
      },
    }
  }

  const signIn = (http: HttpClient, tenant: string) =>
    signInWithCertificate({
      endpoints: { authority: sb.url, exchangeBase: sb.url, graphBase: sb.url, ca: sb.caPem },
      tenant,
      clientId: app.registration.clientId,
      certificatePem: app.certificatePem,
      privateKeyPem: app.privateKeyPem,
      http,
    })

  it('client.signin-tenant-metadata: fetches one tenant’s document, then signs in to the others with none; each token is its tenant’s', async () => {
    const { http, paths } = recording()
    const ready = sb.world.tenants.filter((t) => t.fleet?.consented && t.fleet.roleGranted)
    expect(ready.length).toBeGreaterThanOrEqual(2)
    for (const t of ready) {
      const s = await signIn(http, t.snapshot.tenant.id)
      expect(s.tenantId).toBe(t.snapshot.tenant.id)
      expect(readClaims(await s.getToken('graph'))?.tenantId).toBe(t.snapshot.tenant.id)
    }
    const documents = paths.filter((p) => p.endsWith('/.well-known/openid-configuration'))
    expect(documents).toEqual([
      `/${ready[0]!.snapshot.tenant.id}/v2.0/.well-known/openid-configuration`,
    ])
    // A token request per tenant and audience, at the tenant's own token endpoint.
    for (const t of ready)
      expect(paths.filter((p) => p === `/${t.snapshot.tenant.id}/oauth2/v2.0/token`)).toHaveLength(
        2,
      )
  })

  it('client.signin-tenant-metadata: says an unknown tenant GUID is unknown (PASSAGE_E_TENANT_UNKNOWN), as the document’s refusal did', async () => {
    const { http, paths } = recording()
    const known = sb.world.tenants.find((t) => t.fleet?.consented && t.fleet.roleGranted)!
    const unknown = '11111111-2222-4333-8444-555555555555'
    // Before any document of this client: refused by discovery.
    const first = await signIn(http, unknown).catch((e: unknown) => e)
    expect(first).toMatchObject({ code: 'PASSAGE_E_TENANT_UNKNOWN' })
    await signIn(http, known.snapshot.tenant.id)
    // With a document in hand: refused by the token endpoint, said the same way.
    const before = paths.length
    const second = await signIn(http, unknown).catch((e: unknown) => e)
    expect(paths.slice(before)).toEqual([`/${unknown}/oauth2/v2.0/token`])
    expect(second).toMatchObject({ code: 'PASSAGE_E_TENANT_UNKNOWN' })
    expect((second as Error).message).toMatch(
      /^The sign-in service knows no tenant by that name: AADSTS90002/,
    )
  })
})
