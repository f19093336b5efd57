/**
 * subscribedSkus for a sandbox tenant: the SKUs its snapshot names, with real skuIds and service
 * plan ids, adjusted so the Defender plans present match the snapshot's licence (reference §2.1).
 */
import type { Licence } from '../../core/model/licence.js'
import { stableGuid } from '../identity/index.js'
import type { SandboxTenant } from '../contracts.js'

export interface ServicePlan {
  servicePlanId: string
  servicePlanName: string
}

interface SkuDef {
  skuId: string
  skuPartNumber: string
  servicePlans: ServicePlan[]
}

const plan = (servicePlanName: string, servicePlanId: string): ServicePlan => ({
  servicePlanId,
  servicePlanName,
})

/** Service plans (reference §2.1 table, and Microsoft's product/service-plan list). */
export const PLANS = {
  ATP_ENTERPRISE: plan('ATP_ENTERPRISE', 'f20fedf3-f3c3-43c3-8267-2bfdd51c0939'),
  THREAT_INTELLIGENCE: plan('THREAT_INTELLIGENCE', '8e0c0a52-6a6c-4d40-8370-dd62790dcd70'),
  EOP_ENTERPRISE: plan('EOP_ENTERPRISE', '326e2b78-9d27-42c9-8509-46c827743a17'),
  EXCHANGE_S_STANDARD: plan('EXCHANGE_S_STANDARD', '9aaf7827-d63c-4b61-89c3-182f06f82e5c'),
  EXCHANGE_S_ENTERPRISE: plan('EXCHANGE_S_ENTERPRISE', 'efb87545-963c-4e0d-99df-69c6916d9eb0'),
  EXCHANGE_S_DESKLESS: plan('EXCHANGE_S_DESKLESS', '4a82b400-a79f-41a4-b4e2-e94f5787b113'),
  EXCHANGE_S_ESSENTIALS: plan('EXCHANGE_S_ESSENTIALS', '1126bef5-da20-4f07-b45e-ad25d2581aa8'),
  SAFEDOCS: plan('SAFEDOCS', 'bf6f5520-59e3-4f82-974b-7dbbc4fd27c7'),
  INTUNE_O365: plan('INTUNE_O365', '882e1d05-acd1-4ccb-8708-6ee03664b117'),
  BPOS_S_TODO_1: plan('BPOS_S_TODO_1', '5e62787c-c316-451f-b873-1d05acd4d12c'),
  M365_LIGHTHOUSE_CUSTOMER_PLAN1: plan(
    'M365_LIGHTHOUSE_CUSTOMER_PLAN1',
    '6f23d6a9-adbf-481c-8538-b4c095654487',
  ),
  AAD_PREMIUM: plan('AAD_PREMIUM', '41781fb2-bc02-4b7c-bd55-b576c07bb09d'),
  AAD_PREMIUM_P2: plan('AAD_PREMIUM_P2', 'eec0eb4f-6444-4f95-aba0-50c24d67f998'),
  INTUNE_A: plan('INTUNE_A', 'c1ec4a95-1f05-45b3-a911-aa3fa01094f5'),
  BI_AZURE_P0: plan('BI_AZURE_P0', '2049e525-b859-401b-b2a0-e0a31c4b1fe4'),
} as const

const MDO_PLAN_IDS = new Set([
  PLANS.ATP_ENTERPRISE.servicePlanId,
  PLANS.THREAT_INTELLIGENCE.servicePlanId,
  PLANS.SAFEDOCS.servicePlanId,
])

/** SKUs the sandbox knows by skuPartNumber (the Exchange / Defender relevant plans of each). */
const KNOWN_SKUS: Record<string, SkuDef> = Object.fromEntries(
  (
    [
      {
        skuPartNumber: 'EXCHANGESTANDARD',
        skuId: '4b9405b0-7788-4568-add1-99614e613b69',
        servicePlans: [
          PLANS.EXCHANGE_S_STANDARD,
          PLANS.M365_LIGHTHOUSE_CUSTOMER_PLAN1,
          PLANS.INTUNE_O365,
          PLANS.BPOS_S_TODO_1,
        ],
      },
      {
        skuPartNumber: 'EXCHANGEENTERPRISE',
        skuId: '19ec0d23-8335-4cbd-94ac-6050e30712fa',
        servicePlans: [PLANS.EXCHANGE_S_ENTERPRISE, PLANS.INTUNE_O365, PLANS.BPOS_S_TODO_1],
      },
      {
        skuPartNumber: 'EOP_ENTERPRISE',
        skuId: '45a2423b-e884-448d-a831-d9e139c52d2f',
        servicePlans: [PLANS.EOP_ENTERPRISE],
      },
      {
        skuPartNumber: 'O365_BUSINESS_ESSENTIALS',
        skuId: '3b555118-da6a-4418-894f-7df1e2096870',
        servicePlans: [PLANS.EXCHANGE_S_STANDARD, PLANS.INTUNE_O365, PLANS.BPOS_S_TODO_1],
      },
      {
        skuPartNumber: 'O365_BUSINESS_PREMIUM',
        skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3',
        servicePlans: [PLANS.EXCHANGE_S_STANDARD, PLANS.INTUNE_O365, PLANS.BPOS_S_TODO_1],
      },
      {
        skuPartNumber: 'SPB',
        skuId: 'cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46',
        servicePlans: [
          PLANS.EXCHANGE_S_STANDARD,
          PLANS.ATP_ENTERPRISE,
          PLANS.AAD_PREMIUM,
          PLANS.INTUNE_A,
          PLANS.BPOS_S_TODO_1,
        ],
      },
      {
        skuPartNumber: 'ENTERPRISEPACK',
        skuId: '6fd2c87f-b296-42f0-b197-1e91e994b900',
        servicePlans: [PLANS.EXCHANGE_S_ENTERPRISE, PLANS.INTUNE_O365, PLANS.BPOS_S_TODO_1],
      },
      {
        skuPartNumber: 'ENTERPRISEPREMIUM',
        skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df',
        servicePlans: [
          PLANS.EXCHANGE_S_ENTERPRISE,
          PLANS.ATP_ENTERPRISE,
          PLANS.THREAT_INTELLIGENCE,
          PLANS.INTUNE_O365,
          PLANS.BPOS_S_TODO_1,
        ],
      },
      {
        skuPartNumber: 'SPE_E3',
        skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965',
        servicePlans: [
          PLANS.EXCHANGE_S_ENTERPRISE,
          PLANS.AAD_PREMIUM,
          PLANS.INTUNE_A,
          PLANS.BPOS_S_TODO_1,
        ],
      },
      {
        skuPartNumber: 'SPE_E5',
        skuId: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
        servicePlans: [
          PLANS.EXCHANGE_S_ENTERPRISE,
          PLANS.ATP_ENTERPRISE,
          PLANS.THREAT_INTELLIGENCE,
          PLANS.SAFEDOCS,
          PLANS.AAD_PREMIUM,
          PLANS.AAD_PREMIUM_P2,
          PLANS.INTUNE_A,
          PLANS.BPOS_S_TODO_1,
        ],
      },
      {
        skuPartNumber: 'EMSPREMIUM',
        skuId: 'b05e124f-c7cc-45a0-a6aa-8cf78c946968',
        servicePlans: [PLANS.AAD_PREMIUM, PLANS.AAD_PREMIUM_P2, PLANS.INTUNE_A],
      },
      {
        skuPartNumber: 'POWER_BI_STANDARD',
        skuId: 'a403ebcc-fae0-4ca2-8c8c-7a907fd6c235',
        servicePlans: [PLANS.BI_AZURE_P0],
      },
      {
        // Defender for Office 365 (Plan 1), standalone.
        skuPartNumber: 'ATP_ENTERPRISE',
        skuId: '4ef96642-f096-40de-a3e9-d83fb2f90211',
        servicePlans: [PLANS.ATP_ENTERPRISE],
      },
      {
        // Defender for Office 365 (Plan 2), standalone: P2 SKUs also carry the P1 plan.
        skuPartNumber: 'THREAT_INTELLIGENCE',
        skuId: '3dd6cf57-d688-4eed-ba52-9e40b5468c3e',
        servicePlans: [PLANS.THREAT_INTELLIGENCE, PLANS.ATP_ENTERPRISE],
      },
    ] satisfies SkuDef[]
  ).map((s) => [s.skuPartNumber, s]),
)

/** A microsoft.graph.subscribedSku. */
export interface SubscribedSku {
  accountId: string
  accountName: string
  appliesTo: 'User'
  capabilityStatus: 'Enabled'
  consumedUnits: number
  id: string
  prepaidUnits: { enabled: number; lockedOut: number; suspended: number; warning: number }
  servicePlans: {
    servicePlanId: string
    servicePlanName: string
    provisioningStatus: 'Success'
    appliesTo: 'User'
  }[]
  skuId: string
  skuPartNumber: string
  subscriptionIds: string[]
}

export const SKU_PROPERTIES: readonly (keyof SubscribedSku)[] = [
  'accountId',
  'accountName',
  'appliesTo',
  'capabilityStatus',
  'consumedUnits',
  'id',
  'prepaidUnits',
  'servicePlans',
  'skuId',
  'skuPartNumber',
  'subscriptionIds',
]

function hasPlan(skus: SkuDef[], planId: string): boolean {
  return skus.some((s) => s.servicePlans.some((p) => p.servicePlanId === planId))
}

/** The SKU definitions of a tenant: its named SKUs, made to agree with its licence. */
export function skuDefinitions(skuNames: readonly string[], licence: Licence): SkuDef[] {
  let skus: SkuDef[] = skuNames.map(
    (name) =>
      KNOWN_SKUS[name.toUpperCase()] ?? {
        skuPartNumber: name,
        skuId: stableGuid('sku', name.toUpperCase()),
        servicePlans: [],
      },
  )
  const strip = (ids: Set<string>) =>
    skus.map((s) => ({
      ...s,
      servicePlans: s.servicePlans.filter((p) => !ids.has(p.servicePlanId)),
    }))
  if (licence === 'eop') {
    skus = strip(MDO_PLAN_IDS).filter(
      (s) => s.skuPartNumber !== 'ATP_ENTERPRISE' && s.skuPartNumber !== 'THREAT_INTELLIGENCE',
    )
    if (skus.length === 0) skus.push(KNOWN_SKUS['EXCHANGESTANDARD'] as SkuDef)
  } else if (licence === 'mdo-p1') {
    skus = strip(new Set([PLANS.THREAT_INTELLIGENCE.servicePlanId])).filter(
      (s) => s.skuPartNumber !== 'THREAT_INTELLIGENCE',
    )
    if (!hasPlan(skus, PLANS.ATP_ENTERPRISE.servicePlanId))
      skus.push(KNOWN_SKUS['ATP_ENTERPRISE'] as SkuDef)
  } else if (!hasPlan(skus, PLANS.THREAT_INTELLIGENCE.servicePlanId)) {
    skus.push(KNOWN_SKUS['THREAT_INTELLIGENCE'] as SkuDef)
  }
  return skus
}

/** The tenant's subscribedSkus collection. */
export function subscribedSkus(tenant: SandboxTenant): SubscribedSku[] {
  const tid = tenant.snapshot.tenant.id
  const users = Math.max(1, tenant.admins.length)
  return skuDefinitions(tenant.snapshot.skus, tenant.snapshot.licence).map((s) => ({
    accountId: tid,
    accountName: tenant.snapshot.tenant.name.replace(/\.onmicrosoft\.com$/i, ''),
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: users,
    id: `${tid}_${s.skuId}`,
    prepaidUnits: { enabled: Math.max(25, users), lockedOut: 0, suspended: 0, warning: 0 },
    servicePlans: s.servicePlans.map((p) => ({
      ...p,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [stableGuid('subscription', tid, s.skuId)],
  }))
}
