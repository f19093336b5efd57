import { describe, expect, it } from 'vitest'
import { InboundConnector } from '../core/model/inbound-connector.js'
import { detectCoManagers } from './co-managers.js'
import { SurfaceState } from '../core/model/snapshot.js'
import { routingFromConnectors, routingFromHosts } from './mx.js'

const gateways = [{ id: 'mimecast', name: 'Mimecast' }]
const connector = InboundConnector.parse({
  Name: 'Mimecast Inbound',
  ConnectorType: 'Partner',
  RestrictDomainsToIPAddresses: true,
  SenderIPAddresses: ['195.130.217.0/24'],
})

describe('MX routing', () => {
  it('recognises Microsoft 365 and named gateways by host', () => {
    expect(routingFromHosts(['contoso-com.mail.protection.outlook.com'], gateways, [])).toEqual({
      route: 'microsoft',
      hosts: ['contoso-com.mail.protection.outlook.com'],
    })
    expect(routingFromHosts(['eu-smtp-inbound-1.mimecast.com'], gateways, [connector])).toEqual({
      route: 'gateway',
      gateway: 'Mimecast',
      hosts: ['eu-smtp-inbound-1.mimecast.com'],
      ips: ['195.130.217.0/24'],
    })
    expect(routingFromHosts(['mx1.pphosted.com'], gateways, [])).toMatchObject({
      gateway: 'Proofpoint',
    })
    expect(routingFromHosts([], gateways, [])).toBeNull()
  })

  it('falls back to an IP-restricted partner connector', () => {
    expect(routingFromConnectors([connector], gateways)).toMatchObject({ gateway: 'Mimecast' })
    expect(routingFromConnectors([{ ...connector, Enabled: false }], gateways)).toBeNull()
  })
})

describe('co-managers', () => {
  it('finds other tools by their markers, never passage’s own objects', () => {
    const state = SurfaceState.parse({
      transportRules: [
        { Name: 'CIPP standard: junk bypass', Priority: 0 },
        { Name: 'passage: Trustifi', Priority: 1, Comments: 'managed-by=passage vendor=trustifi' },
      ],
      inboundConnectors: [connector],
    })
    const found = detectCoManagers(state)
    expect(found.map((c) => c.tool)).toEqual(['CIPP', 'Mimecast'])
    expect(found[0]?.mayRevert).toContain('IP allow list')
  })
})
