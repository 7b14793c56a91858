// A titled part of the Members tab: a card named by its heading.
import type { ComponentChildren, Ref } from "preact"
import { useId } from "preact/hooks"

/** Props of {@link AccessSection}. */
export type AccessSectionProps = {
  /** The heading. */
  title: string
  /** A sentence under the heading saying what this part is for. */
  intro?: string
  /** A test id of the section. */
  testId?: string
  /** The heading element, to move focus to it (it can take focus, outside the Tab order). */
  headingRef?: Ref<HTMLHeadingElement>
  children: ComponentChildren
}

/** A `<section>` card labelled by its `<h2>`. */
export function AccessSection({ title, intro, testId, headingRef, children }: AccessSectionProps) {
  const id = useId()
  return (
    <section class="card access-section" aria-labelledby={id} data-testid={testId}>
      <h2 id={id} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      {intro && <p class="muted">{intro}</p>}
      {children}
    </section>
  )
}
