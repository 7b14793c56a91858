// A labelled field bound to a string of the shared document: it shows the
// document's value, remote changes included, except while the person types
// in it; what they type is written as they pause, on change, on Enter, when
// they leave the field and when it goes away (see ./draft).
import { useId, useRef } from "preact/hooks"

import { str } from "../../model/values"
import { useDraft } from "./draft"
import { FieldLabel, FieldProblem, problemAttributes, useAutoFocus, type FieldProps } from "./Field"

/** Props of {@link TextField}. */
export type TextFieldProps = FieldProps & {
  /** The document's value (a scalar string, text, plain string, or null for none). */
  value: unknown
  /** Writes the edited text to the document. */
  onCommit: (text: string) => void
  /**
   * Why a typed text cannot be written, or null when it can. A refused text
   * stays in the field, marked and explained, for the person to correct.
   */
  check?: (text: string) => string | null
  /** A textarea for longer texts. */
  multiline?: boolean
  /** The textarea's height in lines (3 unless given). */
  rows?: number
  /** The input type ("text" unless given). */
  type?: "text" | "email" | "date" | "datetime-local" | "number"
  /** The virtual keyboard to show ("numeric" for number inputs unless given). */
  inputMode?: "text" | "decimal" | "email" | "numeric"
  /** A fuller accessible name, when the visible label needs context. */
  ariaLabel?: string
  /** Shown while empty. */
  placeholder?: string
  /** Marks the field required. */
  required?: boolean
  /** The smallest number allowed (number inputs). */
  min?: number
  /** The longest text allowed. */
  maxLength?: number
  /** The id of a `<datalist>` of suggestions. */
  list?: string
}

/** A labelled text input (or textarea) for a string of the document, written as the person types. */
export function TextField(props: TextFieldProps) {
  const { label, hideLabel, testId, value, onCommit, multiline, check, autoFocus, type = "text" } = props
  const draft = useDraft(str(value), onCommit, check)
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const problemId = useId()
  useAutoFocus(ref, autoFocus)

  const shared = {
    ref,
    value: draft.text,
    placeholder: props.placeholder,
    required: props.required,
    "aria-label": props.ariaLabel,
    ...problemAttributes(problemId, draft.problem),
    "data-testid": testId,
    onInput: (e: Event) => draft.onInput((e.currentTarget as HTMLInputElement).value),
    onChange: draft.flush,
    onBlur: draft.onBlur,
  }
  return (
    <FieldLabel label={label} hideLabel={hideLabel} class={props.class}>
      {multiline ? (
        <textarea {...shared} rows={props.rows ?? 3} />
      ) : (
        <input
          {...shared}
          // preact's types narrow inputs by a literal `type`; all of these take the same attributes.
          type={type as "text"}
          inputMode={props.inputMode ?? (type === "number" ? "numeric" : undefined)}
          autoComplete="off"
          min={props.min}
          maxLength={props.maxLength}
          list={props.list}
          onKeyDown={(e) => e.key === "Enter" && draft.flush()}
        />
      )}
      <FieldProblem id={problemId} problem={draft.problem} alert />
    </FieldLabel>
  )
}
