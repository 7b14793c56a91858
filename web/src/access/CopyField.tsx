// A link or secret shown once, with a button that copies it: through the
// clipboard when the browser allows, otherwise by selecting the text for
// the person to copy.
import { useId, useRef, useState } from "preact/hooks"

import { t } from "./messages"

/** Props of {@link CopyField}. */
export type CopyFieldProps = {
  /** What the value is. */
  label: string
  /** The text to copy. */
  value: string
  /** The test id of the element holding the text. */
  testId: string
}

/** Puts `text` on the clipboard; false when the browser does not allow it. */
async function writeClipboard(text: string): Promise<boolean> {
  try {
    if (!navigator.clipboard?.writeText) return false
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    return false
  }
}

/** Selects the text of `element`, for copying by hand. */
function selectText(element: HTMLElement): void {
  element.focus()
  const selection = window.getSelection()
  selection?.selectAllChildren(element)
}

/** The value in a focusable code block with a Copy button and what copying did. */
export function CopyField({ label, value, testId }: CopyFieldProps) {
  const labelId = useId()
  const text = useRef<HTMLElement>(null)
  const [feedback, setFeedback] = useState("")

  async function copy() {
    if (await writeClipboard(value)) {
      setFeedback(t("copied"))
    } else {
      if (text.current) selectText(text.current)
      setFeedback(t("copySelected"))
    }
  }

  return (
    <div class="copy-field">
      <span id={labelId} class="copy-label">
        {label}
      </span>
      <div class="copy-row">
        <code ref={text} class="copy-value" tabIndex={0} aria-labelledby={labelId} data-testid={testId}>
          {value}
        </code>
        <button type="button" class="secondary" aria-describedby={labelId} onClick={() => void copy()}>
          {t("copy")}
        </button>
      </div>
      <p class="copy-feedback muted" role="status">
        {feedback}
      </p>
    </div>
  )
}
