// One of the charter's collaborative texts (purpose, vision,
// sustainability), written by several partners at once.
import { CollaborativeText } from "../editor/CollaborativeText"
import { useCharter } from "./useCharter"

/** The charter's collaborative text fields. */
export type SharedTextField = "purpose" | "vision" | "sustainability"

/** Props of {@link SharedText}. */
export type SharedTextProps = {
  /** Which text. */
  field: SharedTextField
  /** Its visible title (also the editor's accessible name). */
  title: string
  /** What belongs in it. */
  hint: string
  /** Shown while it is empty. */
  placeholder: string
}

/** A titled collaborative text of the charter, with the other editors' cursors. */
export function SharedText({ field, title, hint, placeholder }: SharedTextProps) {
  const { handle, presence } = useCharter()
  return (
    <div class="shared-text">
      <h3>{title}</h3>
      <p class="muted field-hint">
        {hint}
      </p>
      <CollaborativeText
        handle={handle}
        path={[field]}
        field={field}
        label={title}
        presence={presence}
        placeholder={placeholder}
        testId={`charter-${field}`}
      />
    </div>
  )
}
