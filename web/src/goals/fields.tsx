// Inputs bound to a value of the shared document. Each shows the document's
// value, including the other partners' changes, except while the person is
// typing in it; what they type is written after a short pause, when they
// leave the field or press Enter, and never lost when the field goes away.
import type { ComponentChildren } from "preact"
import { useEffect, useId, useLayoutEffect, useRef, useState } from "preact/hooks"

import { parseNumber } from "../model/values"
import { t } from "./messages"
import { numberInput } from "./numbers"

/** How long typing pauses before what was typed is written (ms). */
export const COMMIT_DELAY_MS = 700

/** What every bound field takes. */
type BoundFieldProps = {
  /** The visible label (also the accessible name, unless `ariaLabel` is given). */
  label: string
  /** A fuller accessible name, when the visible label needs context. */
  ariaLabel?: string
  /** Shows the label to screen readers only. */
  hideLabel?: boolean
  /** The test id of the input element. */
  testId?: string
  /** Extra class of the field's label. */
  class?: string
}

/** A text (or date) field bound to a document string. */
export type TextFieldProps = BoundFieldProps & {
  /** The document's value now. */
  value: string
  /** Writes what the person typed. */
  onCommit: (text: string) => void
  /**
   * Why a text cannot be written, or `null` when it can. A refused text
   * stays in the field, marked, for the person to correct.
   */
  validate?: (text: string) => string | null
  /** A textarea instead of a one-line input. */
  multiline?: boolean
  /** The input type. */
  type?: "text" | "date"
  /** The virtual keyboard to show. */
  inputMode?: "text" | "decimal"
  /** Shown when empty. */
  placeholder?: string
}

/** A text field bound to a document string. */
export function TextField(props: TextFieldProps) {
  const { value, onCommit, validate, multiline, type = "text", inputMode, placeholder } = props
  const input = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const dirty = useRef(false)
  const typed = useRef("")
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const latest = useRef({ value, onCommit, validate })
  latest.current = { value, onCommit, validate }
  const [error, setError] = useState<string | null>(null)
  const errorId = useId()

  const commit = () => {
    clearTimeout(timer.current)
    if (!dirty.current) return
    const text = input.current?.value ?? typed.current
    const refused = latest.current.validate?.(text) ?? null
    setError(refused)
    if (refused !== null) return
    dirty.current = false
    if (text !== latest.current.value) latest.current.onCommit(text)
  }
  const showDocumentValue = () => {
    const el = input.current
    if (el && !dirty.current && el.value !== latest.current.value) el.value = latest.current.value
  }

  // Show the document's value, unless the person is in the field.
  useLayoutEffect(() => {
    if (input.current && document.activeElement !== input.current) showDocumentValue()
  }, [value])
  // Write what is still pending when the field goes away.
  useEffect(() => commit, [])

  const handlers = {
    onInput: (e: Event) => {
      dirty.current = true
      typed.current = (e.currentTarget as HTMLInputElement).value
      clearTimeout(timer.current)
      timer.current = setTimeout(commit, COMMIT_DELAY_MS)
    },
    onChange: commit,
    onBlur: () => {
      commit()
      showDocumentValue()
    },
  }
  const common = {
    ref: input,
    "aria-label": props.ariaLabel,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? errorId : undefined,
    "data-testid": props.testId,
    placeholder,
    ...handlers,
  }
  return (
    <BoundLabel {...props}>
      {multiline ? (
        <textarea rows={3} {...common} />
      ) : type === "date" ? (
        <input type="date" {...common} />
      ) : (
        <input type="text" inputMode={inputMode} {...common} />
      )}
      {error && (
        <span class="field-error" id={errorId}>
          {error}
        </span>
      )}
    </BoundLabel>
  )
}

/** A number field bound to an optional document number (empty for none). */
export function NumberField(props: BoundFieldProps & { value: number | null; onCommit: (value: number | null) => void }) {
  const { value, onCommit, ...rest } = props
  return (
    <TextField
      {...rest}
      value={numberInput(value)}
      inputMode="decimal"
      validate={(text) => (parseNumber(text) === null && text.trim() !== "" ? t("notANumber") : null)}
      onCommit={(text) => onCommit(parseNumber(text))}
    />
  )
}

/** A date field bound to an optional document date (`YYYY-MM-DD`). */
export function DateField(props: BoundFieldProps & { value: string | null; onCommit: (date: string | null) => void }) {
  const { value, onCommit, ...rest } = props
  return <TextField {...rest} type="date" value={value ?? ""} onCommit={(text) => onCommit(text === "" ? null : text)} />
}

function BoundLabel({ label, hideLabel, class: className, children }: BoundFieldProps & { children: ComponentChildren }) {
  return (
    <label class={`field${className ? ` ${className}` : ""}`}>
      <span class={hideLabel ? "visually-hidden" : "field-label"}>{label}</span>
      {children}
    </label>
  )
}
