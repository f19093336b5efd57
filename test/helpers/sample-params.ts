import type { VendorParam } from '../../src/core/vendor/profile.js'

/** A plausible value for each required parameter type (public addresses, real-looking domains). */
export function sampleParams(params: VendorParam[]): Record<string, string> {
  const out: Record<string, string> = {}
  const samples: Record<VendorParam['type'], string> = {
    ipv4: '167.89.10.20',
    'ip-list': '167.89.10.20,167.89.11.0/24',
    domain: 'mail.vendor-sample.com',
    'domain-list': 'mail.vendor-sample.com',
    enum: '',
    string: 'Sample Vendor',
  }
  for (const p of params) {
    if (!p.required && p.type !== 'ipv4') continue
    out[p.key] = p.type === 'enum' ? (p.default ?? p.options?.[0] ?? '') : samples[p.type]
  }
  return out
}
