/** Which part of passage implements a behaviour. */
export type BehaviourArea = 'evaluator' | 'headers' | 'planner' | 'sandbox' | 'client' | 'limits'

/** One Microsoft source a behaviour traces to. */
export interface BehaviourSource {
  /** `owner/repo:path` of a MicrosoftDocs page (or a client that runs against the service), or a URL. */
  page: string
  /** When it was read (YYYY-MM-DD). */
  read: string
}

/**
 * One behaviour passage models, traced to Microsoft: the rule in passage's words (never quoted),
 * where the code implements it and the test that pins it. `disagreement` says where Microsoft's
 * own pages disagree (or are silent) and which one passage follows, and why.
 */
export interface BehaviourRow {
  /** Stable id, cited in code as `ms-rule: <id>` and in the name of the test that pins it. */
  id: string
  area: BehaviourArea
  /** The rule, one line, in passage's words. */
  rule: string
  sources: BehaviourSource[]
  /** Files (repo paths) that implement it. */
  code: string[]
  /** Test files (repo paths) with a test whose name starts with the id. */
  tests: string[]
  disagreement?: string
}
