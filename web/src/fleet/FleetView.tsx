// The fleet dashboard (`passage serve --fleet`): counts by state, the expiry timeline, the
// tenant table (filters, sorting and paging done by the server), a tenant's page, and the fleet
// actions with live progress.
import { useCallback, useEffect, useState } from 'react'
import { api } from '../api'
import { asApiError, ErrorPanel } from '../components'
import type { ApiErrorBody } from '../types'
import { FleetActions } from './Actions'
import { ExpiryTimeline, StateChart } from './Charts'
import { TenantPage } from './TenantPage'
import type { Counts, Expiry, Filters, TenantsPage } from './types'
import './fleet.css'

const PAGE = 50
const EMPTY: Filters = { vendor: '', tag: '', state: '', check: '', q: '' }

/** The query string of the filters (empty ones left out). */
function query(f: Filters, extra: Record<string, string | number> = {}): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries({ ...f, ...extra }))
    if (v !== '' && v !== undefined) p.set(k, String(v))
  const s = p.toString()
  return s ? `?${s}` : ''
}

const SORTS: [string, string][] = [
  ['name', 'Name'],
  ['state', 'State'],
  ['vendor', 'Vendor'],
  ['expiry', 'Soonest expiry'],
]

export function FleetView({ actions }: { actions: boolean }) {
  const [filters, setFilters] = useState<Filters>(EMPTY)
  const [search, setSearch] = useState('')
  const [offset, setOffset] = useState(0)
  const [sort, setSort] = useState('name')
  const [page, setPage] = useState<TenantsPage | null>(null)
  const [counts, setCounts] = useState<Counts | null>(null)
  const [expiry, setExpiry] = useState<Expiry | null>(null)
  const [error, setError] = useState<ApiErrorBody | null>(null)
  const [tenant, setTenant] = useState<string | null>(null)
  const [version, setVersion] = useState(0)
  const refresh = useCallback(() => setVersion((v) => v + 1), [])

  useEffect(() => {
    let live = true
    api<TenantsPage>('GET', `/api/fleet/tenants${query(filters, { offset, limit: PAGE, sort })}`)
      .then((p) => live && setPage(p))
      .catch((e: unknown) => live && setError(asApiError(e)))
    return () => {
      live = false
    }
  }, [filters, offset, sort, version])

  useEffect(() => {
    let live = true
    // The chart counts the whole fleet; the timeline follows the vendor and tag filters.
    api<Counts>('GET', '/api/fleet/counts')
      .then((c) => live && setCounts(c))
      .catch((e: unknown) => live && setError(asApiError(e)))
    api<Expiry>(
      'GET',
      `/api/fleet/expiry${query({ ...EMPTY, vendor: filters.vendor, tag: filters.tag })}`,
    )
      .then((x) => live && setExpiry(x))
      .catch((e: unknown) => live && setError(asApiError(e)))
    return () => {
      live = false
    }
  }, [filters.vendor, filters.tag, version])

  const set = (patch: Partial<Filters>) => {
    setFilters((f) => ({ ...f, ...patch }))
    setOffset(0)
  }

  if (tenant) return <TenantPage id={tenant} actions={actions} onBack={() => setTenant(null)} />

  const last = page ? Math.min(page.offset + page.tenants.length, page.total) : 0
  return (
    <section aria-labelledby="fleet-h">
      <div className="step-header">
        <h2 id="fleet-h">Fleet</h2>
        <p className="intro">
          Every tenant of the fleet: where it stands, the vendor of its last fleet plan, whether
          that plan was applied and its last check, and its soonest Tenant Allow/Block List expiry.
        </p>
      </div>
      <ErrorPanel error={error} />
      <div className="two-col">
        {counts && (
          <StateChart
            counts={counts}
            onState={(s) => set({ state: s, check: '' })}
            onCheck={(c) => set({ check: c, state: '' })}
          />
        )}
        {expiry && <ExpiryTimeline expiry={expiry} />}
      </div>

      <form
        className="filters"
        aria-label="Filter the tenants"
        onSubmit={(e) => {
          e.preventDefault()
          set({ q: search.trim() })
        }}
      >
        <div className="field">
          <label htmlFor="fleet-vendor">Vendor</label>
          <select
            id="fleet-vendor"
            value={filters.vendor}
            onChange={(e) => set({ vendor: e.target.value })}
          >
            <option value="">Any vendor</option>
            {counts?.vendors.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="fleet-tag">Tag</label>
          <select id="fleet-tag" value={filters.tag} onChange={(e) => set({ tag: e.target.value })}>
            <option value="">Any tag</option>
            {counts?.tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="fleet-state">State</label>
          <select
            id="fleet-state"
            value={filters.state}
            onChange={(e) => set({ state: e.target.value })}
          >
            <option value="">Any state (not removed)</option>
            <option value="enrolled">Enrolled</option>
            <option value="consent-pending">Consent pending</option>
            <option value="no-access">No access</option>
            <option value="removed">Removed</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="fleet-check">Last check</label>
          <select
            id="fleet-check"
            value={filters.check}
            onChange={(e) => set({ check: e.target.value })}
          >
            <option value="">Any</option>
            <option value="green">Green</option>
            <option value="red">Red</option>
            <option value="unknown">Not checked</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="fleet-q">Tenant name or id</label>
          <input
            id="fleet-q"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="fleet-sort">Sort by</label>
          <select
            id="fleet-sort"
            value={sort}
            onChange={(e) => {
              setSort(e.target.value)
              setOffset(0)
            }}
          >
            {SORTS.map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
        <button
          type="button"
          onClick={() => {
            setSearch('')
            set(EMPTY)
          }}
        >
          Clear filters
        </button>
      </form>

      {page && (
        <>
          <p role="status" data-testid="fleet-range">
            {page.total === 0
              ? 'No tenant matches these filters.'
              : `Tenants ${page.offset + 1}–${last} of ${page.total}`}
          </p>
          <div className="table-wrap">
            <table className="table fleet-table" data-testid="fleet-table">
              <caption className="sr-only">Fleet tenants</caption>
              <thead>
                <tr>
                  <th scope="col">Tenant</th>
                  <th scope="col">State</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Vendor</th>
                  <th scope="col">Last plan</th>
                  <th scope="col">Applied</th>
                  <th scope="col">Check</th>
                  <th scope="col">Soonest expiry</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {page.tenants.map((t) => (
                  <tr key={t.tenantId} data-state={t.state}>
                    <th scope="row">
                      <button type="button" className="link" onClick={() => setTenant(t.tenantId)}>
                        {t.name}
                      </button>
                    </th>
                    <td>{t.state}</td>
                    <td className="small">{t.tags.join(', ')}</td>
                    <td>{t.vendor ?? '—'}</td>
                    <td className="small">{t.planned ?? '—'}</td>
                    <td className="small">{t.applied ?? '—'}</td>
                    <td className={`check-${t.check}`}>{t.check}</td>
                    <td className="small">{t.soonestExpiry?.slice(0, 10) ?? '—'}</td>
                    <td className="small muted">{t.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="actions" aria-label="Pages of tenants">
            <button
              type="button"
              disabled={page.offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Previous page
            </button>
            <button
              type="button"
              disabled={last >= page.total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next page
            </button>
          </nav>
        </>
      )}
      {actions ? (
        <FleetActions vendors={counts?.vendors ?? []} onChanged={refresh} />
      ) : (
        <p className="notice">
          This dashboard reads a SQLite store: start it on the fleet’s PostgreSQL database to plan,
          apply, check or roll back from here.
        </p>
      )}
    </section>
  )
}
