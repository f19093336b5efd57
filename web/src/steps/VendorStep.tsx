import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { api, ApiFailure } from '../api'
import { Actions, asApiError, Empty, ErrorPanel, Loading, StepHeader } from '../components'
import type { ApiErrorBody, Vendor, VendorChoice, VendorParam } from '../types'
import type { StepProps } from '../App'

const PLACEHOLDER: Record<VendorParam['type'], string> = {
  ipv4: 'e.g. 203.0.113.25',
  'ip-list': 'e.g. 203.0.113.0/24, 198.51.100.7',
  domain: 'e.g. links.example.com',
  'domain-list': 'e.g. mail.example.com, example.net',
  enum: '',
  string: '',
}

/** Client-side checks before the server's (which are authoritative). */
function checkField(p: VendorParam, value: string): string | null {
  const v = value.trim()
  if (!v) return p.required ? `${p.label} is required.` : null
  const ip = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/
  const dom = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i
  const items = v.split(/[,\s]+/).filter(Boolean)
  switch (p.type) {
    case 'ipv4':
      return ip.test(v) ? null : 'Enter one IPv4 address, like 203.0.113.25.'
    case 'ip-list':
      return items.every((i) => ip.test(i.split('/')[0] ?? '') || i.includes('-'))
        ? null
        : 'Enter IPv4 addresses or CIDR ranges, separated by commas.'
    case 'domain':
      return dom.test(v) ? null : 'Enter a domain name, like links.example.com.'
    case 'domain-list':
      return items.every((i) => dom.test(i)) ? null : 'Enter domain names, separated by commas.'
    default:
      return null
  }
}

export function VendorStep({ w, update, go }: StepProps) {
  const [vendors, setVendors] = useState<Vendor[] | null>(null)
  const [categories, setCategories] = useState<{ id: string; label: string }[]>([])
  const [loadError, setLoadError] = useState<ApiErrorBody | null>(null)
  const [query, setQuery] = useState('')
  const [category, setCategory] = useState('')
  const [selected, setSelected] = useState<string | null>(w.vendor?.id ?? null)
  const [values, setValues] = useState<Record<string, string>>(w.choice?.params ?? {})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [serverError, setServerError] = useState<ApiErrorBody | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    api<{ vendors: Vendor[]; categories: { id: string; label: string }[] }>('GET', '/api/vendors')
      .then((r) => {
        setVendors(r.vendors)
        setCategories(r.categories)
      })
      .catch((e: unknown) => setLoadError(asApiError(e)))
  }, [])

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase()
    return (vendors ?? []).filter(
      (v) =>
        (!category || v.category === category || v.id === 'custom') &&
        (!q || `${v.name} ${v.summary} ${v.categoryLabel}`.toLowerCase().includes(q)),
    )
  }, [vendors, query, category])

  const vendor = vendors?.find((v) => v.id === selected) ?? null

  const pick = (v: Vendor) => {
    setSelected(v.id)
    setErrors({})
    setServerError(null)
    const defaults: Record<string, string> = {}
    for (const p of v.params) if (p.default) defaults[p.key] = p.default
    setValues(w.choice?.id === v.id ? w.choice.params : defaults)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!vendor) return
    const errs: Record<string, string> = {}
    for (const p of vendor.params) {
      const msg = checkField(p, values[p.key] ?? '')
      if (msg) errs[p.key] = msg
    }
    if (
      vendor.id === 'custom' &&
      !['ips', 'envelopeDomains', 'dkimDomains'].some((k) => values[k]?.trim())
    )
      errs.ips =
        'Give the sending IPs, or the envelope or DKIM domains: passage needs something only this service controls.'
    setErrors(errs)
    setServerError(null)
    if (Object.keys(errs).length) {
      document.getElementById(`param-${Object.keys(errs)[0]}`)?.focus()
      return
    }
    const choice: VendorChoice = { id: vendor.id, params: values }
    setBusy(true)
    try {
      const resolved = await api<{ vendor: { name: string } }>(
        'POST',
        '/api/vendors/resolve',
        choice,
      )
      const same = w.choice && JSON.stringify(w.choice) === JSON.stringify(choice)
      update({
        // A custom service is called by the name given to it from here on, not "Custom service".
        vendor: vendor.id === 'custom' ? { ...vendor, name: resolved.vendor.name } : vendor,
        choice,
        ...(same ? {} : { selection: null, planResult: null }),
      })
      go(1)
    } catch (err) {
      const body = asApiError(err)
      const param =
        err instanceof ApiFailure ? /parameter '([a-zA-Z0-9]+)'/.exec(body.message)?.[1] : undefined
      if (param) setErrors({ [param]: body.message })
      setServerError(body)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby="vendor-title">
      <StepHeader
        title="Which service do you want to let through?"
        intro="Pick the email service from the catalog, or describe your own. Passage shows what the vendor asks Microsoft 365 admins to change, then finds the safest way to do it in your tenant."
      />
      <ErrorPanel error={loadError} />
      <div className="filters">
        <label className="field">
          <span>Search the catalog</span>
          <input
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Name or kind of service"
          />
        </label>
        <label className="field">
          <span>Category</span>
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!vendors && !loadError && <Loading label="Loading the vendor catalog…" />}
      {vendors && shown.length === 0 && (
        <Empty>
          No service matches “{query}”. Try another name, or describe it as a custom service.
        </Empty>
      )}
      <div className="vendor-grid" role="radiogroup" aria-label="Services">
        {shown.map((v) => (
          <button
            key={v.id}
            type="button"
            role="radio"
            aria-checked={selected === v.id}
            className={`vendor-card ${selected === v.id ? 'selected' : ''}`}
            onClick={() => pick(v)}
            data-vendor={v.id}
          >
            <span className="vendor-name">{v.name}</span>
            <span className="vendor-cat">{v.categoryLabel}</span>
            <span className="vendor-summary">{v.summary}</span>
          </button>
        ))}
      </div>
      {vendor && (
        <form
          className="panel vendor-detail"
          onSubmit={submit}
          noValidate
          aria-labelledby="vendor-detail-title"
        >
          <h3 id="vendor-detail-title">{vendor.name}</h3>
          {vendor.asks.length > 0 && (
            <>
              <h4>
                What{' '}
                {vendor.id === 'custom'
                  ? 'you describe'
                  : `${vendor.name} asks of Microsoft 365 admins`}
              </h4>
              <ul>
                {vendor.asks.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </>
          )}
          {vendor.symptoms.length > 0 && (
            <>
              <h4>What goes wrong without it</h4>
              <ul>
                {vendor.symptoms.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </>
          )}
          {vendor.notes.length > 0 && (
            <details>
              <summary>Where passage’s advice differs, and why</summary>
              <ul>
                {vendor.notes.map((a) => (
                  <li key={a}>{a}</li>
                ))}
              </ul>
            </details>
          )}
          {vendor.params.length > 0 ? (
            <fieldset>
              <legend>
                {vendor.id === 'custom'
                  ? 'Describe the service'
                  : `What passage needs to know about your ${vendor.name} account`}
              </legend>
              {vendor.params.map((p) => (
                <ParamField
                  key={p.key}
                  param={p}
                  value={values[p.key] ?? ''}
                  error={errors[p.key]}
                  onChange={(v) => setValues((x) => ({ ...x, [p.key]: v }))}
                />
              ))}
            </fieldset>
          ) : (
            <p className="muted">
              {vendor.name} needs no details from you: its sending addresses are published.
            </p>
          )}
          <ErrorPanel error={Object.keys(errors).length ? null : serverError} />
          <Actions>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Checking…' : 'Continue to sign-in'}
            </button>
          </Actions>
        </form>
      )}
    </section>
  )
}

function ParamField({
  param: p,
  value,
  error,
  onChange,
}: {
  param: VendorParam
  value: string
  error: string | undefined
  onChange: (v: string) => void
}) {
  const id = `param-${p.key}`
  const help = `${id}-help`
  const err = `${id}-error`
  return (
    <div className={`field ${error ? 'invalid' : ''}`}>
      <label htmlFor={id}>
        {p.label}
        {p.required ? (
          <span className="req"> (required)</span>
        ) : (
          <span className="opt"> (optional)</span>
        )}
      </label>
      {p.type === 'enum' ? (
        <select
          id={id}
          name={p.key}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={`${help}${error ? ` ${err}` : ''}`}
          aria-invalid={!!error}
        >
          <option value="">Choose…</option>
          {(p.options ?? []).map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={p.key}
          type="text"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          placeholder={PLACEHOLDER[p.type]}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${help}${error ? ` ${err}` : ''}`}
          aria-invalid={!!error}
        />
      )}
      <small id={help}>{p.description}</small>
      {error && (
        <small id={err} className="field-error">
          {error}
        </small>
      )}
    </div>
  )
}
