/**
 * A cmdlet invocation: the unit everything shares. The transport sends it as an InvokeCommand body,
 * the PowerShell renderer prints it, the journal stores it.
 */
export interface CmdletCall {
  cmdlet: string
  params: Record<string, CmdletValue>
}

/** An Add/Remove hashtable (`@{Add=...;Remove=...}`), sent as `#Exchange.GenericHashTable`. */
export interface HashtableValue {
  kind: 'hashtable'
  Add?: string[]
  Remove?: string[]
}

/** A switch parameter (`-NoExpiration`), sent as `true`. */
export interface SwitchValue {
  kind: 'switch'
}

/** A UTC date/time, rendered as ISO-8601 text. */
export interface DateValue {
  kind: 'date'
  iso: string
}

/** Any value a cmdlet parameter can take. */
export type CmdletValue =
  string | number | boolean | null | string[] | HashtableValue | SwitchValue | DateValue

/** The `-Switch` value. */
export const SWITCH: SwitchValue = { kind: 'switch' }

/** An `@{Add=...; Remove=...}` hashtable value. */
export function hashtable(add: string[] = [], remove: string[] = []): HashtableValue {
  return {
    kind: 'hashtable',
    ...(add.length ? { Add: add } : {}),
    ...(remove.length ? { Remove: remove } : {}),
  }
}

/** A UTC date value. */
export function utcDate(iso: string): DateValue {
  return { kind: 'date', iso }
}
