// The pieces of the small forms that add goals, indicators, measurements
// and feedback: their values live in the form until it is submitted.
import type { Ref } from "preact"
import { useId } from "preact/hooks"

/** A labelled input of an adding form. */
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
  type?: "text" | "date"
  /** Whether the form needs a value. */
  required?: boolean
  /** A textarea instead of a one-line input. */
  multiline?: boolean
  /** The virtual keyboard to show. */
  inputMode?: "text" | "decimal"
  /** Shown when empty. */
  placeholder?: string
  /** Why the value cannot be used, shown under the field. */
  error?: string | null
  /** The input element, to focus it. */
  inputRef?: Ref<HTMLInputElement>
  /** Extra class of the label. */
  class?: string
}

/** A labelled input of an adding form. */
export function FormField(props: FormFieldProps) {
  const { label, value, onValue, testId, type = "text", required, multiline, inputMode, placeholder, error, inputRef } = props
  const errorId = useId()
  const common = {
    value,
    required,
    placeholder,
    "data-testid": testId,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
    onInput: (e: Event) => onValue((e.currentTarget as HTMLInputElement).value),
  }
  return (
    <label class={`field${props.class ? ` ${props.class}` : ""}`}>
      <span class="field-label">{label}</span>
      {multiline ? (
        <textarea rows={2} {...common} />
      ) : type === "date" ? (
        <input type="date" ref={inputRef} {...common} />
      ) : (
        <input type="text" inputMode={inputMode} ref={inputRef} {...common} />
      )}
      {error && (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      )}
    </label>
  )
}
