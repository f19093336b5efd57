import { PassageError } from '../errors/index.js'
import { isValidDomain, normaliseDomain, sharedDomainReason } from '../net/domain.js'
import { parseIpEntry } from '../net/ip.js'
import {
  PARAM_REF,
  VendorCategory,
  type SendingIdentity,
  type VendorParam,
  type VendorProfile,
} from './profile.js'
import { shown } from './shown.js'

/** A vendor profile with its parameters filled in: every list is concrete. */
export interface ResolvedVendor {
  id: string
  name: string
  category: VendorCategory
  sending: SendingIdentity
  /** The parameter values used (after defaults). */
  params: Record<string, string>
  profile: VendorProfile
}

const LIST_TYPES = new Set<VendorParam['type']>(['ip-list', 'domain-list'])

function splitList(v: string): string[] {
  return v
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * A shared or consumer name (or a URL on one) given as a vendor's domain is refused as such, even
 * where it is no valid domain of its own (a public suffix like blob.core.windows.net): the
 * refusal then names the list and the way out, not a syntax error.
 */
function refuseShared(vendor: Who, p: VendorParam, value: string): void {
  const r = sharedDomainReason(value)
  if (r)
    throw new PassageError(
      'PASSAGE_E_REFUSED_SHARED_DOMAIN',
      `${vendor.label}: parameter '${p.key}' (${p.label}) has ${value}, on the ${r.list} list (${r.matched}, from ${r.source}): ${r.why}`,
      { hint: r.instead, details: { vendor: vendor.id, param: p.key } },
    )
}

/** Longest name a service may have: it becomes part of Exchange object names (64 at most). */
const MAX_NAME = 48

/** A vendor as refusals name it: its id (for scripts) and its name (for people). */
interface Who {
  id: string
  label: string
}

/**
 * How refusals name a vendor: its catalog name, or for a custom service the name it was given
 * (when it is a usable one), never the id 'custom' or a `${name}` reference.
 */
function whoOf(profile: VendorProfile, given: Record<string, string>): Who {
  if (!PARAM_REF.test(profile.name)) return { id: profile.id, label: profile.name }
  const name = expand([profile.name], given, new Map(profile.params.map((p) => [p.key, p])))[0]
  const usable = name && !PARAM_REF.test(name) && name.trim().length <= MAX_NAME
  return { id: profile.id, label: usable ? name.trim() : 'The custom service' }
}

function checkParam(vendor: Who, p: VendorParam, value: string): void {
  const bad = (why: string) =>
    new PassageError(
      'PASSAGE_E_PARAM_INVALID',
      `${vendor.label}: parameter '${p.key}' (${p.label}) ${why}.`,
      {
        details: { vendor: vendor.id, param: p.key },
      },
    )
  switch (p.type) {
    case 'ipv4': {
      const e = parseIpEntry(value)
      if (!e || e.family !== 'ipv4' || e.form !== 'address')
        throw bad(`must be one IPv4 address, got '${shown(value)}'`)
      return
    }
    case 'ip-list':
      for (const v of splitList(value))
        if (!parseIpEntry(v))
          throw bad(`has '${shown(v)}', which is not an IP address, CIDR or range`)
      return
    case 'domain':
      refuseShared(vendor, p, value)
      if (!isValidDomain(value)) throw bad(`must be a domain name, got '${shown(value)}'`)
      return
    case 'domain-list':
      for (const v of splitList(value)) {
        refuseShared(vendor, p, v)
        if (!isValidDomain(v)) throw bad(`has '${shown(v)}', which is not a domain name`)
      }
      return
    case 'enum':
      if (!p.options?.includes(value))
        throw bad(`must be one of ${(p.options ?? []).join(', ')}, got '${shown(value)}'`)
      return
    case 'string':
      if (value.trim() === '') throw bad('must not be empty')
      if (p.key === 'name' && value.length > MAX_NAME)
        throw bad(
          `is ${value.length} characters long; at most ${MAX_NAME}, as it becomes part of the names of the objects passage creates: '${shown(value)}'`,
        )
      return
  }
}

function expand(
  list: readonly string[],
  params: Record<string, string>,
  defs: Map<string, VendorParam>,
): string[] {
  const out: string[] = []
  for (const item of list) {
    const m = PARAM_REF.exec(item)
    if (!m) {
      out.push(item)
      continue
    }
    const key = m[1] ?? ''
    const value = params[key]
    if (value === undefined) continue
    const def = defs.get(key)
    out.push(...(def && LIST_TYPES.has(def.type) ? splitList(value) : [value]))
  }
  return out
}

const dedupe = (xs: string[]) => [...new Set(xs)]
const domains = (xs: string[]) => dedupe(xs.map(normaliseDomain))

/**
 * Fills a profile's parameters: checks required ones are given and every value has the declared
 * type, expands `${key}` references and merges the variants the values select.
 */
export function resolveVendor(
  profile: VendorProfile,
  given: Record<string, string> = {},
): ResolvedVendor {
  const defs = new Map(profile.params.map((p) => [p.key, p]))
  for (const key of Object.keys(given)) {
    if (!defs.has(key)) {
      const known = profile.params.map((p) => p.key)
      throw new PassageError(
        'PASSAGE_E_PARAM_INVALID',
        `${profile.id} has no parameter '${key}'.`,
        {
          hint: known.length
            ? `It takes: ${known.join(', ')}.`
            : `${profile.id} takes no parameters; use the vendor 'custom' to describe another service.`,
        },
      )
    }
  }
  const params: Record<string, string> = {}
  const who = whoOf(profile, given)
  for (const p of profile.params) {
    const raw = given[p.key] ?? p.default
    if (raw === undefined || raw.trim() === '') {
      if (p.required)
        throw new PassageError(
          'PASSAGE_E_PARAM_MISSING',
          `${PARAM_REF.test(profile.name) ? 'A custom service' : profile.name} needs the parameter '${p.key}': ${p.label}.`,
          {
            hint: `${p.description} Pass it with --param ${p.key}=<value>.`,
            details: { vendor: profile.id, param: p.key },
          },
        )
      continue
    }
    const value = raw.trim()
    checkParam(who, p, value)
    params[p.key] = value
  }
  const merged: Required<SendingIdentity> = {
    ips: [...profile.sending.ips],
    envelopeDomains: [...profile.sending.envelopeDomains],
    dkimDomains: [...profile.sending.dkimDomains],
    headerFromDomains: [...profile.sending.headerFromDomains],
    linkDomains: [...profile.sending.linkDomains],
  }
  for (const [key, byValue] of Object.entries(profile.variants)) {
    const value = params[key]
    const extra = value === undefined ? undefined : byValue[value]
    if (!extra) continue
    for (const field of Object.keys(merged) as (keyof SendingIdentity)[])
      merged[field].push(...(extra[field] ?? []))
  }
  const resolveText = (t: string) => expand([t], params, defs)[0] ?? t
  const category = VendorCategory.safeParse(resolveText(profile.category))
  if (!category.success)
    throw new PassageError(
      'PASSAGE_E_PARAM_INVALID',
      `${profile.id}: category must be one of ${VendorCategory.options.join(', ')}.`,
    )
  return {
    id: profile.id,
    name: resolveText(profile.name),
    category: category.data,
    params,
    profile,
    sending: {
      ips: dedupe(expand(merged.ips, params, defs).map((s) => s.trim())),
      envelopeDomains: domains(expand(merged.envelopeDomains, params, defs)),
      dkimDomains: domains(expand(merged.dkimDomains, params, defs)),
      headerFromDomains: domains(expand(merged.headerFromDomains, params, defs)),
      linkDomains: domains(expand(merged.linkDomains, params, defs)),
    },
  }
}

/** The domains that identify the vendor as a sender (envelope, DKIM, header From). */
export function senderDomains(v: ResolvedVendor): string[] {
  return dedupe([
    ...v.sending.envelopeDomains,
    ...v.sending.dkimDomains,
    ...v.sending.headerFromDomains,
  ])
}
