/** A case-insensitive header map that keeps the spelling of each name as last set. */
export class HeaderMap {
  private readonly map = new Map<string, { name: string; value: string }>()

  constructor(entries: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(entries)) this.set(k, v)
  }

  /** The value of a header, matching the name case-insensitively. */
  get(name: string): string | undefined {
    return this.map.get(name.trim().toLowerCase())?.value
  }

  /** The value of a header only when its name is spelled exactly so (case-sensitive). */
  getExact(name: string): string | undefined {
    const e = this.map.get(name.trim().toLowerCase())
    return e && e.name === name ? e.value : undefined
  }

  /** Adds or overwrites a header. */
  set(name: string, value: string): void {
    this.map.set(name.trim().toLowerCase(), { name: name.trim(), value })
  }

  /** Removes a header; true when it was present. */
  delete(name: string): boolean {
    return this.map.delete(name.trim().toLowerCase())
  }

  /** Name/value pairs, in insertion order. */
  entries(): Array<[string, string]> {
    return [...this.map.values()].map((e) => [e.name, e.value])
  }

  /** A copy. */
  clone(): HeaderMap {
    return new HeaderMap(Object.fromEntries(this.entries()))
  }
}
