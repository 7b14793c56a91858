// One part of a meeting page (agenda, attendees, ...): a heading, its
// content, and the button that adds an item.
import type { ComponentChildren } from "preact"
import { useState } from "preact/hooks"

import type { MeetingDocument } from "../generated/model"
import type { MeetingEditor } from "./edit"

/** What each part of a meeting page gets. */
export type SectionProps = {
  /** Writes into the meeting document. */
  editor: MeetingEditor
  /** The meeting as it is now. */
  meeting: MeetingDocument
}

/** A titled part of the meeting page with an "add" button after its content. */
export function MeetingSection(props: {
  /** The heading's id (names the section and its table). */
  id: string
  /** The heading. */
  title: string
  /** The add button's label. */
  addLabel: string
  /** The add button's test id. */
  addTestId: string
  /** Adds an item. */
  onAdd: () => void
  /** Buttons shown next to the add button. */
  tools?: ComponentChildren
  /** Extra class. */
  class?: string
  /** The content. */
  children: ComponentChildren
}) {
  const { id, title, addLabel, addTestId, onAdd, tools, class: extra, children } = props
  return (
    <section class={`meeting-section${extra ? ` ${extra}` : ""}`} aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
      <div class="section-tools">
        <button type="button" class="secondary" data-testid={addTestId} onClick={onAdd}>
          {addLabel}
        </button>
        {tools}
      </div>
    </section>
  )
}

/**
 * The id of the item just added here (its first field takes the focus), and
 * the function that adds one: it calls `add`, which returns the new id.
 */
export function useAdded(add: () => string): [string | null, () => void] {
  const [added, setAdded] = useState<string | null>(null)
  return [added, () => setAdded(add())]
}
