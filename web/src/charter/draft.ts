// What a person is typing into a field of a shared document. While they
// type, their text is theirs: remote changes to the field do not overwrite
// it. It is written to the document shortly after they pause, when they
// leave the field or press Enter, and when the field goes away; the field
// then shows the document's value again, remote changes included.
import { useCallback, useEffect, useRef, useState } from "preact/hooks"

/** How long after the last keystroke the text is written. */
export const COMMIT_DELAY_MS = 600

/** A field's text as shown, and the handlers that keep it. */
export type Draft = {
  /** The text to show: what is being typed, else the document's value. */
  text: string
  /** Why the typed text cannot be written (it is kept until fixed), or null. */
  problem: string | null
  /** Call on every input event. */
  onInput: (text: string) => void
  /** Call when the field loses focus. */
  onBlur: () => void
  /** Writes what was typed now (for Enter). */
  flush: () => void
}

/**
 * Keeps what is typed into a field showing `value` and writes it with
 * `onCommit`. `check` returns why a text cannot be written (for example "not
 * a number"), or null.
 */
export function useDraft(value: string, onCommit: (text: string) => void, check?: (text: string) => string | null): Draft {
  const [draft, setDraft] = useState<string | null>(null)
  const latest = useRef({ value, onCommit, check })
  latest.current = { value, onCommit, check }
  const pending = useRef<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const flush = useCallback(() => {
    clearTimeout(timer.current)
    const text = pending.current
    pending.current = null
    const current = latest.current
    if (text === null || text === current.value || current.check?.(text)) return
    current.onCommit(text)
  }, [])

  // Never lose what was typed when the field goes away mid-pause.
  useEffect(() => flush, [flush])

  const onInput = useCallback(
    (text: string) => {
      setDraft(text)
      pending.current = text
      clearTimeout(timer.current)
      timer.current = setTimeout(flush, COMMIT_DELAY_MS)
    },
    [flush],
  )

  const onBlur = useCallback(() => {
    flush()
    // Text that cannot be written stays, with its problem, for the person to fix.
    setDraft((d) => (d !== null && latest.current.check?.(d) ? d : null))
  }, [flush])

  return {
    text: draft ?? value,
    problem: draft !== null && check ? check(draft) : null,
    onInput,
    onBlur,
    flush,
  }
}
