import { PassageError } from '../errors/index.js'
import { yes } from './helpers.js'
import type { ObjectMechanism } from './types.js'

const refused =
  'Switching spoof intelligence off lets anyone spoof any domain to every user; passage plans spoofed-sender allows for the vendor’s own domains instead, where they apply'

/** Spoof intelligence switched off: listed so that it can be explained, and always refused. */
export const disableSpoofIntelligence: ObjectMechanism = {
  kind: 'objects',
  def: {
    id: 'disable-spoof-intelligence',
    needs: 'never planned',
    title: 'Turn spoof intelligence off',
    risk: 'critical',
    riskReason: 'Anyone could spoof any domain to every user.',
    needsDefender: false,
    refused,
  },
  // The registry refuses it by its definition before this is asked.
  availability: () => yes,
  build() {
    throw new PassageError('PASSAGE_E_REFUSED_UNSAFE', `${refused}.`, {
      details: { mechanism: 'disable-spoof-intelligence' },
    })
  },
}
