// A titled part of the charter: a section named by its heading.
import type { ComponentChildren } from "preact"
import { useId } from "preact/hooks"

/** Props of {@link Section}. */
export type SectionProps = {
  /** The heading. */
  title: string
  /** The heading level: 2 for the charter's parts, 3 and 4 for parts within them. */
  level?: 2 | 3 | 4
  /** A sentence under the heading saying what belongs here. */
  intro?: string
  /** A test id for the section. */
  testId?: string
  children: ComponentChildren
}

/** A `<section>` labelled by its heading. */
export function Section({ title, level = 2, intro, testId, children }: SectionProps) {
  const id = useId()
  const Heading = `h${level}` as const
  return (
    <section aria-labelledby={id} class={level === 2 ? "charter-part card" : "charter-subpart"} data-testid={testId}>
      <Heading id={id}>{title}</Heading>
      {intro && <p class="muted intro">{intro}</p>}
      {children}
    </section>
  )
}
