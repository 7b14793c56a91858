// A date of the shared document, picked or typed as `YYYY-MM-DD`.
import type { FieldProps } from "./Field"
import { TextField } from "./TextField"

/** Props of {@link DateField}. */
export type DateFieldProps = FieldProps & {
  /** The document's date (`YYYY-MM-DD`, as a scalar string or plain string), or null for none. */
  value: unknown
  /** Writes the chosen date (null when the field was emptied). */
  onCommit: (date: string | null) => void
  /** Marks the field required. */
  required?: boolean
}

/** A labelled date input for an optional date of the document. */
export function DateField({ onCommit, ...rest }: DateFieldProps) {
  return <TextField {...rest} type="date" onCommit={(text) => onCommit(text === "" ? null : text)} />
}
