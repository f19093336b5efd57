import { linkMicrosoftPages } from './microsoft-pages.js'
import type { Stage, TraceObject, TraceStep } from './types.js'

/** Collects trace steps in order (notes cite Microsoft's pages by address: microsoft-pages.ts). */
export class Trace {
  readonly steps: TraceStep[] = []

  /** Records a decision, optionally naming the object that made it. */
  step(stage: Stage, decision: string, object: TraceObject | null = null, note?: string): this {
    this.steps.push({
      stage,
      decision,
      object,
      ...(note === undefined ? {} : { note: linkMicrosoftPages(note) }),
    })
    return this
  }

  /** Records a decision where Microsoft's documentation is silent or contradictory. */
  uncertain(stage: Stage, decision: string, object: TraceObject | null, note: string): this {
    this.steps.push({ stage, decision, object, note: linkMicrosoftPages(note), uncertain: true })
    return this
  }

  /** Appends the steps of another trace (message-level steps shared by every recipient). */
  append(other: Trace): this {
    this.steps.push(...other.steps)
    return this
  }
}

/** Shorthand for a trace object. */
export function obj(kind: TraceObject['kind'], name: string): TraceObject {
  return { kind, name }
}
