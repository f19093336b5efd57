/**
 * Group members from the Exchange admin API alone, against a local HTTP peer that answers as
 * Exchange does: Get-DistributionGroupMember for distribution and mail-enabled security groups,
 * Get-UnifiedGroupLinks for a Microsoft 365 group, Exchange's not-found error otherwise.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { isPassageError } from '../core/errors/index.js'
import { fixedTokens, page, startPeer, TENANT, type Peer } from '../../test/exchange/peer.js'
import { ExchangeClient } from './client.js'
import { exchangeGroupMembers, exchangeOrganization, initialDomainOf } from './directory.js'
import { Semaphore } from './semaphore.js'

const user = (smtp: string) => ({
  PrimarySmtpAddress: smtp,
  RecipientType: 'UserMailbox',
  RecipientTypeDetails: 'UserMailbox',
})
const group = (smtp: string, type: string, details = type) => ({
  PrimarySmtpAddress: smtp,
  RecipientType: type,
  RecipientTypeDetails: details,
})

/** Direct members by group and cmdlet; anything else is not found. */
const DIRECTORY: Record<string, Record<string, object[]>> = {
  'Get-DistributionGroupMember': {
    'all@contoso.com': [
      user('adele@contoso.com'),
      group('team@contoso.com', 'MailUniversalSecurityGroup'),
      group('m365@contoso.com', 'MailUniversalDistributionGroup', 'GroupMailbox'),
      group('dyn@contoso.com', 'DynamicDistributionGroup'),
      user('Adele@Contoso.com'),
    ],
    // Nested back to the top: read once.
    'team@contoso.com': [
      user('ben@contoso.com'),
      group('all@contoso.com', 'MailUniversalDistributionGroup'),
    ],
  },
  'Get-UnifiedGroupLinks': {
    'm365@contoso.com': [user('cleo@contoso.com')],
  },
}

const NOT_FOUND = (identity: string) => ({
  status: 400,
  body: {
    error: {
      code: 'InternalServerError',
      message: 'Error executing cmdlet',
      details: [
        {
          code: 'Client',
          target: '',
          message: `Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '${identity}' couldn't be found on 'DC1'.`,
        },
      ],
    },
  },
})

let peers: Peer[] = []
const clients: ExchangeClient[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  await Promise.all(peers.map((p) => p.close()))
  peers = []
})

async function exchange(): Promise<{ client: ExchangeClient; peer: Peer }> {
  const peer = await startPeer((req) => {
    const input = (
      req.json as { CmdletInput: { CmdletName: string; Parameters: Record<string, string> } }
    ).CmdletInput
    const p = input.Parameters
    if (input.CmdletName === 'Get-OrganizationConfig')
      return {
        body: page([
          {
            Name: 'contoso.onmicrosoft.com',
            DisplayName: 'Contoso',
            ExternalDirectoryOrganizationId: TENANT,
          },
        ]),
      }
    if (input.CmdletName === 'Get-DynamicDistributionGroup') {
      if (p.Identity === 'refused@contoso.com')
        return { status: 401, body: { error: { code: 'Unauthorized', message: 'not allowed' } } }
      return p.Identity === 'dyn@contoso.com'
        ? { body: page([group('dyn@contoso.com', 'DynamicDistributionGroup')]) }
        : NOT_FOUND(p.Identity!)
    }
    if (p.ResultSize !== 'Unlimited') return { status: 500, body: { error: { code: 'x' } } }
    if (input.CmdletName === 'Get-UnifiedGroupLinks' && p.LinkType !== 'Members')
      return { status: 500, body: { error: { code: 'x' } } }
    const members = DIRECTORY[input.CmdletName]?.[p.Identity!]
    return members ? { body: page(members) } : NOT_FOUND(p.Identity!)
  })
  peers.push(peer)
  const client = new ExchangeClient({
    tokens: fixedTokens(),
    endpoints: { exchangeBase: peer.url, graphBase: peer.url, authority: peer.url },
    tenant: TENANT,
    concurrency: new Semaphore(3),
    retry: { maxAttempts: 1 },
  })
  clients.push(client)
  return { client, peer }
}

describe('client.exchange-directory: exchangeGroupMembers', () => {
  it('flattens nested mail groups and a Microsoft 365 group, once each, and names a dynamic group it did not expand', async () => {
    const { client } = await exchange()
    const got = await exchangeGroupMembers(client, 'all@contoso.com')
    expect(got).toEqual({
      kind: 'distribution',
      members: ['adele@contoso.com', 'ben@contoso.com', 'cleo@contoso.com'],
      unresolved: ['dynamic distribution group dyn@contoso.com'],
    })
  })

  it('reads a Microsoft 365 group with Get-UnifiedGroupLinks -LinkType Members', async () => {
    const { client, peer } = await exchange()
    const got = await exchangeGroupMembers(client, 'm365@contoso.com')
    expect(got).toEqual({ kind: 'microsoft365', members: ['cleo@contoso.com'], unresolved: [] })
    const asked = peer.received.map(
      (r) => (r.json as { CmdletInput: { CmdletName: string } }).CmdletInput.CmdletName,
    )
    expect(asked).toEqual(['Get-DistributionGroupMember', 'Get-UnifiedGroupLinks'])
  })

  it('answers null for a group Exchange knows under neither cmdlet, nor as a dynamic distribution group', async () => {
    const { client, peer } = await exchange()
    expect(await exchangeGroupMembers(client, 'nobody@contoso.com')).toBeNull()
    const asked = peer.received.map(
      (r) => (r.json as { CmdletInput: { CmdletName: string } }).CmdletInput.CmdletName,
    )
    expect(asked).toEqual([
      'Get-DistributionGroupMember',
      'Get-UnifiedGroupLinks',
      'Get-DynamicDistributionGroup',
    ])
  })

  it('names a dynamic distribution group a policy is scoped by, without expanding it', async () => {
    const { client } = await exchange()
    expect(await exchangeGroupMembers(client, 'dyn@contoso.com')).toEqual({
      kind: 'dynamic',
      members: [],
      unresolved: ['dynamic distribution group dyn@contoso.com'],
    })
  })

  it('leaves the group unknown (null) when Exchange refuses to say whether it is a dynamic one', async () => {
    const { client } = await exchange()
    expect(await exchangeGroupMembers(client, 'refused@contoso.com')).toBeNull()
  })

  it('throws a refusal other than not-found (the caller says members are unknown)', async () => {
    const peer = await startPeer(() => ({
      status: 401,
      body: { error: { code: 'Unauthorized', message: 'User is not allowed to call it' } },
    }))
    peers.push(peer)
    const client = new ExchangeClient({
      tokens: fixedTokens(),
      endpoints: { exchangeBase: peer.url, graphBase: peer.url, authority: peer.url },
      tenant: TENANT,
      retry: { maxAttempts: 1 },
    })
    clients.push(client)
    const e = await exchangeGroupMembers(client, 'all@contoso.com').catch((x: unknown) => x)
    expect(isPassageError(e)).toBe(true)
    expect(isPassageError(e, 'PASSAGE_E_EXO_NOT_FOUND')).toBe(false)
  })
})

describe('the organisation from Exchange', () => {
  it('reads Get-OrganizationConfig’s display name and tenant id', async () => {
    const { client } = await exchange()
    expect(await exchangeOrganization(client)).toEqual({
      displayName: 'Contoso',
      name: 'contoso.onmicrosoft.com',
      tenantId: TENANT,
    })
  })

  it('takes the *.onmicrosoft.com accepted domain as the tenant’s name, not the routing one', () => {
    expect(
      initialDomainOf(['contoso.com', 'contoso.mail.onmicrosoft.com', 'contoso.onmicrosoft.com']),
    ).toBe('contoso.onmicrosoft.com')
    expect(initialDomainOf(['contoso.com'])).toBeNull()
  })
})
