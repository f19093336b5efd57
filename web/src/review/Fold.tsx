import type { ReactNode } from 'react'
import { firstSentence } from './group'

/**
 * A long explanation: its first sentence shown, the rest folded behind it (a disclosure the
 * keyboard and screen readers know). A short one is shown whole.
 */
export function Explained({
  text,
  className,
  inline = false,
}: {
  text: string
  className?: string
  /** A short text stays in the line it is in (a span, not a paragraph). */
  inline?: boolean
}) {
  const { lead, rest } = firstSentence(text)
  const cls = `explained ${className ?? 'small muted'}`
  if (!rest) return inline ? <span className={cls}>{text}</span> : <p className={cls}>{text}</p>
  return (
    <details className={cls}>
      <summary>
        {lead} <span className="more">More</span>
      </summary>
      <p>{rest}</p>
    </details>
  )
}

/**
 * A panel whose body is folded: its heading stays a heading, and a one-line summary says what is
 * inside before it is opened.
 */
export function FoldedPanel(props: {
  title: string
  summary: ReactNode
  className?: string
  testId?: string
  children: ReactNode
}) {
  return (
    <section className={`panel folded ${props.className ?? ''}`} data-testid={props.testId}>
      <h3>{props.title}</h3>
      <details>
        <summary>{props.summary}</summary>
        {props.children}
      </details>
    </section>
  )
}
