// A number of the shared document as people type it: a decimal comma as
// well as a point, empty for none.
import { parseNumber } from "../../model/values"
import type { FieldProps } from "./Field"
import { t } from "./messages"
import { TextField } from "./TextField"

/** Props of {@link NumberField}. */
export type NumberFieldProps = FieldProps & {
  /** The document's number, or null for none. */
  value: number | null
  /** Writes the typed number (null when the field was emptied). */
  onCommit: (value: number | null) => void
  /** A fuller accessible name, when the visible label needs context. */
  ariaLabel?: string
  /** Shown while empty. */
  placeholder?: string
}

/** A number as typed into an input ("41.2"; empty for none). */
export function numberInput(value: number | null): string {
  return value === null ? "" : String(value)
}

/**
 * Why `text` is not a number, or null when it is one. Empty text is none
 * (no problem) unless a number is `required`.
 */
export function numberProblem(text: string, required = false): string | null {
  return parseNumber(text) === null && (required || text.trim() !== "") ? t("notANumber") : null
}

/** A labelled field for an optional number of the document, refusing text that is not one. */
export function NumberField({ value, onCommit, ...rest }: NumberFieldProps) {
  return (
    <TextField
      {...rest}
      value={numberInput(value)}
      inputMode="decimal"
      check={(text) => numberProblem(text)}
      onCommit={(text) => onCommit(parseNumber(text))}
    />
  )
}
