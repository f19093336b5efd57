/** Small option helpers shared by the command registrations (commander only: loaded at start). */

/** Collects a repeatable option's values (commander's argument parser for `--x a --x b`). */
export const collect = (v: string, prev: string[]): string[] => [...prev, v]
