/** Vendors: the catalog with what each asks and needs, and a check of a vendor's parameters. */
import type { FastifyInstance } from 'fastify'
import { loadCatalog } from '../../catalog/index.js'
import { MECHANISMS, PROTECTIONS } from '../../core/protections/index.js'
import { parseBody } from '../errors.js'
import { IdParam, VendorChoice } from '../schemas.js'
import { CATEGORY_LABELS, getVendor, resolveChoice, vendorView } from '../vendors.js'

export function registerVendorRoutes(app: FastifyInstance): void {
  app.get('/api/vendors', async () => {
    const vendors = loadCatalog().map(vendorView)
    return {
      vendors,
      categories: Object.entries(CATEGORY_LABELS).map(([id, label]) => ({ id, label })),
    }
  })

  app.get('/api/vendors/:id', async (req) => {
    const { id } = parseBody(IdParam, req.params)
    return { vendor: vendorView(getVendor(id)) }
  })

  /** Validates a vendor's parameters and returns what identifies its mail. */
  app.post('/api/vendors/resolve', async (req) => {
    const choice = parseBody(VendorChoice, req.body)
    const v = resolveChoice(choice)
    return {
      vendor: {
        id: v.id,
        name: v.name,
        category: v.category,
        params: v.params,
        sending: v.sending,
      },
    }
  })

  app.get('/api/protections', async () => ({ protections: PROTECTIONS, mechanisms: MECHANISMS }))
}
