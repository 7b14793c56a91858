// A labelled input of a small adding form: its value lives in the form
// (not the document) until the form is submitted.
import type { Ref } from "preact"
import { useId } from "preact/hooks"

import { FieldLabel, FieldProblem, problemAttributes } from "./Field"

/** Props of {@link FormField}. */
export type FormFieldProps = {
  /** The visible label. */
  label: string
  /** The current value. */
  value: string
  /** Takes a new value as the person types. */
  onValue: (value: string) => void
  /** The test id of the input element. */
  testId?: string
  /** The input type. */
  type?: "text" | "date" | "password"
  /** The browser's autofill hint (`username`, `current-password`, `new-password`, `name`, `organization`…). */
  autoComplete?: string
  /** Whether the form needs a value. */
  required?: boolean
  /** A textarea (two lines) instead of a one-line input. */
  multiline?: boolean
  /** The virtual keyboard to show. */
  inputMode?: "text" | "decimal"
  /** Shown when empty. */
  placeholder?: string
  /** Why the value cannot be used, shown under the field. */
  error?: string | null
  /** Announces the error when it appears (a problem found on submitting). */
  alert?: boolean
  /** The input element, to focus it. */
  inputRef?: Ref<HTMLInputElement>
  /** Extra class of the label. */
  class?: string
}

/** A labelled input of an adding form. */
export function FormField(props: FormFieldProps) {
  const { label, value, onValue, testId, type = "text", required, multiline, inputMode, placeholder, error, inputRef } = props
  const { autoComplete, alert } = props
  const errorId = useId()
  const common = {
    value,
    required,
    placeholder,
    autoComplete,
    "data-testid": testId,
    ...problemAttributes(errorId, error),
    onInput: (e: Event) => onValue((e.currentTarget as HTMLInputElement).value),
  }
  return (
    <FieldLabel label={label} class={props.class}>
      {multiline ? (
        <textarea rows={2} {...common} />
      ) : type === "date" ? (
        <input type="date" ref={inputRef} {...common} />
      ) : type === "password" ? (
        <input type="password" ref={inputRef} {...common} />
      ) : (
        <input type="text" inputMode={inputMode} ref={inputRef} {...common} />
      )}
      <FieldProblem id={errorId} problem={error} alert={alert} />
    </FieldLabel>
  )
}
