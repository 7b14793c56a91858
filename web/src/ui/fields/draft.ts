// What a person is typing into a field of a shared document. While they
// type, their text is theirs: remote changes to the field do not overwrite
// it. It is written to the document shortly after they pause, on change,
// when they leave the field or press Enter, and when the field goes away;
// the field then shows the document's value again, remote changes included.
import { useCallback, useEffect, useRef, useState } from "preact/hooks"

/** How long after the last keystroke the text is written (ms). */
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
  /** Writes what was typed now (for change events and Enter). */
  flush: () => void
}

/**
 * Keeps what is typed into a field showing `value` and writes it with
 * `onCommit`, once, and only when it differs from the document's value.
 * `check` returns why a text cannot be written (for example "not a
 * number"), or null: such a text is not written but kept, with its problem,
 * which shows from the moment the text would have been written until it is
 * fixed.
 */
export function useDraft(value: string, onCommit: (text: string) => void, check?: (text: string) => string | null): Draft {
  const [draft, setDraft] = useState<string | null>(null)
  // Whether writing the draft was refused: its problem shows until it is written.
  const [refused, setRefused] = useState(false)
  const latest = useRef({ value, onCommit, check })
  latest.current = { value, onCommit, check }
  const pending = useRef<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  // Writes the pending text if it can be; returns whether it was refused.
  const write = useCallback((): boolean => {
    clearTimeout(timer.current)
    const text = pending.current
    if (text === null) return false
    const current = latest.current
    if (current.check?.(text)) return true
    pending.current = null
    if (text !== current.value) current.onCommit(text)
    return false
  }, [])

  const flush = useCallback(() => setRefused(write()), [write])

  // Never lose what was typed when the field goes away mid-pause.
  useEffect(() => () => void write(), [write])

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
    const kept = write()
    setRefused(kept)
    // Text that cannot be written stays, with its problem, for the person to fix.
    if (!kept) setDraft(null)
  }, [write])

  return {
    text: draft ?? value,
    problem: refused && draft !== null && check ? check(draft) : null,
    onInput,
    onBlur,
    flush,
  }
}
