import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startSandbox } from '../../src/sandbox/index.js'
import { tempDir } from '../helpers/temp-dir.js'
import { call, deviceCodeToken, invoke } from './helpers.js'
import { cleanMessage, P2 } from './fixtures.js'

// State survives a restart with a state file; the CA and the signing key are kept beside it.
describe.each(['sandbox.json', 'sandbox.db'])('state file %s', (file) => {
  it('keeps writes, mail, the CA and the token-signing key across a restart', async () => {
    const stateFile = join(tempDir('passage-persist-'), file)
    const a = await startSandbox({ stateFile })
    let token: string
    let messageId: string
    let caPem: string
    try {
      expect(a.caPath).toBe(join(`${stateFile}.d`, 'ca.pem'))
      caPem = a.caPem
      token = (await deviceCodeToken(a, P2.id, `exchange@${P2.name}`)).access_token
      const made = await invoke(a, token, P2.id, 'New-TransportRule', {
        Name: 'passage: survives restart',
        SenderIpRanges: ['192.0.2.44'],
        SetSCL: -1,
        HeaderMatchesMessageHeader: 'Authentication-Results',
        HeaderMatchesPatterns: ['dmarc=pass'],
      })
      expect(made.status, made.text).toBe(200)
      const sent = await call(a, `/sandbox/${P2.id}/messages`, {
        headers: { authorization: `Bearer ${token}` },
        json: cleanMessage('alex@contoso.com', 'Kept across restarts'),
      })
      expect(sent.status).toBe(201)
      messageId = sent.json.id
    } finally {
      await a.close()
    }
    const b = await startSandbox({ stateFile })
    try {
      expect(b.caPem).toBe(caPem)
      expect(readFileSync(b.caPath!, 'utf8')).toBe(caPem)
      // The token from before the restart still verifies: the signing key was kept.
      const rules = await invoke(b, token, P2.id, 'Get-TransportRule', {
        Identity: 'passage: survives restart',
      })
      expect(rules.status, rules.text).toBe(200)
      expect(rules.json.value[0]).toMatchObject({ Name: 'passage: survives restart' })
      const eml = await call(b, `/sandbox/${P2.id}/messages/${messageId}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(eml.status).toBe(200)
      expect(eml.text).toContain('Kept across restarts')
      const trace = await invoke(b, token, P2.id, 'Get-MessageTraceV2', { Subject: 'Kept across' })
      expect(trace.json.value).toHaveLength(1)
    } finally {
      await b.close()
    }
  })
})
