// Labelled fields that edit a document value live. Text-like fields keep
// what the person types as a draft while they type: it is written after a
// short pause, on change and on leaving the field (and when the field goes
// away), and a remote change never overwrites it; when the field is not
// being typed in, it shows the document's current value.
import type { ComponentChildren, TargetedEvent } from "preact"
import { useEffect, useRef, useState } from "preact/hooks"

import { withCurrent, type Choice } from "./choices"

/** How long typing must pause before the draft is written, in milliseconds. */
export const TYPING_PAUSE_MS = 600

/** What a text-like field shows and the handlers that keep its draft. */
export type Draft = {
  /** The value to show: the draft while typing, else the document's value. */
  shown: string
  /** For `onInput`. */
  onInput: (next: string) => void
  /** For `onChange` (commits at once). */
  onChange: () => void
  /** For `onBlur` (commits and goes back to showing the document's value). */
  onBlur: () => void
}

/**
 * Keeps what a person types in a field bound to `value`, committing it with
 * `onCommit` after a pause, on change, on blur and on unmount; a value is
 * committed once, and only when the person typed something new.
 */
export function useDraft(value: string, onCommit: (value: string) => void): Draft {
  const [draft, setDraft] = useState<string | null>(null)
  const typed = useRef<string | null>(null)
  const committed = useRef<string | null>(null)
  const commit = useRef(onCommit)
  commit.current = onCommit
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const flush = () => {
    clearTimeout(timer.current)
    timer.current = undefined
    const next = typed.current
    if (next !== null && next !== committed.current) {
      committed.current = next
      commit.current(next)
    }
  }
  useEffect(() => flush, [])

  return {
    shown: draft ?? value,
    onInput(next) {
      if (typed.current === null) committed.current = value
      typed.current = next
      setDraft(next)
      clearTimeout(timer.current)
      timer.current = setTimeout(flush, TYPING_PAUSE_MS)
    },
    onChange: flush,
    onBlur() {
      flush()
      typed.current = null
      committed.current = null
      setDraft(null)
    },
  }
}

/** A label around a control, its text first. */
function Field({ label, class: extra, children }: { label: string; class?: string; children: ComponentChildren }) {
  return (
    <label class={`field${extra ? ` ${extra}` : ""}`}>
      <span class="field-label">{label}</span>
      {children}
    </label>
  )
}

/** Focuses an element when it mounts, if asked. */
function useAutoFocus<E extends HTMLElement>(autoFocus: boolean | undefined) {
  const ref = useRef<E>(null)
  useEffect(() => {
    if (autoFocus) ref.current?.focus()
    // Only when the field appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
  return ref
}

/** What every field takes. */
type FieldProps = {
  /** The visible label (read by screen readers). */
  label: string
  /** A test id for the control. */
  testId?: string
  /** Extra class of the label element. */
  class?: string
  /** Focus the control when it appears (for a just-added item). */
  autoFocus?: boolean
}

/** A labelled text, date, date-time or number input (or a text area), written as typed. */
export function TextField(
  props: FieldProps & {
    /** The document's value. */
    value: string
    /** Writes a new value into the document. */
    onCommit: (value: string) => void
    /** The input type. */
    type?: "text" | "date" | "datetime-local" | "number"
    /** A text area instead of a one-line input. */
    multiline?: boolean
    /** Shown when empty. */
    placeholder?: string
    /** Marks the field required. */
    required?: boolean
    /** The smallest number allowed (number inputs). */
    min?: number
  },
) {
  const { label, testId, class: extra, autoFocus, value, onCommit, type = "text", multiline, placeholder, required, min } = props
  const draft = useDraft(value, onCommit)
  const ref = useAutoFocus<HTMLInputElement & HTMLTextAreaElement>(autoFocus)
  const common = {
    ref,
    value: draft.shown,
    placeholder,
    required,
    "data-testid": testId,
    onInput: (e: TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) => draft.onInput(e.currentTarget.value),
    onChange: draft.onChange,
    onBlur: draft.onBlur,
  }
  return (
    <Field label={label} class={extra}>
      {multiline ? (
        <textarea rows={2} {...common} />
      ) : (
        // preact's types narrow inputs by a literal `type`; all of these take the same attributes.
        <input type={type as "text"} min={min} inputMode={type === "number" ? "numeric" : undefined} {...common} />
      )}
    </Field>
  )
}

/**
 * A labelled select among `choices`, written on change. `none` labels the
 * empty value; a stored value that is not among the choices is still shown.
 */
export function SelectField(
  props: FieldProps & {
    /** The document's value ("" for none). */
    value: string
    /** The options. */
    choices: readonly Choice[]
    /** The label of the empty option, when the field may be empty. */
    none?: string
    /** Writes the chosen value into the document. */
    onSelect: (value: string) => void
  },
) {
  const { label, testId, class: extra, autoFocus, value, choices, none, onSelect } = props
  const ref = useAutoFocus<HTMLSelectElement>(autoFocus)
  return (
    <Field label={label} class={extra}>
      <select
        ref={ref}
        value={value}
        data-testid={testId}
        onChange={(e) => {
          const next = e.currentTarget.value
          if (next !== value) onSelect(next)
        }}
      >
        {none !== undefined && <option value="">{none}</option>}
        {withCurrent(choices, value).map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  )
}

/** A labelled checkbox, written on change. */
export function CheckField(
  props: FieldProps & {
    /** The document's value. */
    checked: boolean
    /** Writes the new value into the document. */
    onToggle: (checked: boolean) => void
  },
) {
  const { label, testId, class: extra, autoFocus, checked, onToggle } = props
  const ref = useAutoFocus<HTMLInputElement>(autoFocus)
  return (
    <Field label={label} class={`field-check${extra ? ` ${extra}` : ""}`}>
      <input
        ref={ref}
        type="checkbox"
        checked={checked}
        data-testid={testId}
        onChange={(e) => onToggle(e.currentTarget.checked)}
      />
    </Field>
  )
}
