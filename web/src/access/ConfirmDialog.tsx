// A modal question before a change that cannot be undone: focus moves into
// it, stays inside while it is open (Tab cycles, Escape cancels), and goes
// back to the control that opened it when it closes (or, when that control
// is gone, such as the row of a member just removed, to a fallback).
import type { ComponentChildren, RefObject } from "preact"
import { useEffect, useId, useRef } from "preact/hooks"

import type { ApiError } from "../app/api"
import { ErrorAlert } from "./ErrorAlert"
import { t } from "./messages"

/** Props of {@link ConfirmDialog}. */
export type ConfirmDialogProps = {
  /** The question. */
  title: string
  /** What confirming does. */
  children: ComponentChildren
  /** The confirming button's text. */
  confirmLabel: string
  /** The confirming button's test id. */
  confirmTestId: string
  /** True while the change runs (both buttons are disabled). */
  busy: boolean
  /** Why the change failed, shown inside the dialog. */
  error: ApiError | null
  /** Makes the change. */
  onConfirm: () => void
  /** Closes the dialog without changing anything. */
  onCancel: () => void
  /** Where focus goes on closing when the control that opened the dialog is gone. */
  fallbackFocus: RefObject<HTMLElement | null>
}

const FOCUSABLE = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex='-1'])"

/** Keeps Tab inside `dialog`. */
function trapTab(event: KeyboardEvent, dialog: HTMLElement): void {
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)]
  if (focusable.length === 0) return
  const first = focusable[0]
  const last = focusable[focusable.length - 1]
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault()
    last.focus()
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault()
    first.focus()
  }
}

/** A modal alert dialog asking to confirm a destructive change. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const { title, children, confirmLabel, confirmTestId, busy, error, onConfirm, onCancel, fallbackFocus } = props
  const titleId = useId()
  const bodyId = useId()
  const dialog = useRef<HTMLDivElement>(null)
  const cancel = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    cancel.current?.focus()
    return () => {
      // After this render's DOM changes, so a removed opener is seen as gone.
      setTimeout(() => (opener?.isConnected ? opener : fallbackFocus.current)?.focus())
    }
  }, [fallbackFocus])

  return (
    <div class="dialog-backdrop">
      <div
        ref={dialog}
        class="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={(e) => {
          if (e.key === "Escape" && !busy) onCancel()
          if (e.key === "Tab" && dialog.current) trapTab(e, dialog.current)
        }}
      >
        <h2 id={titleId} class="dialog-title">
          {title}
        </h2>
        <div id={bodyId}>{children}</div>
        <ErrorAlert error={error} />
        <div class="form-actions">
          <button type="button" class="danger" disabled={busy} data-testid={confirmTestId} onClick={onConfirm}>
            {busy ? t("working") : confirmLabel}
          </button>
          <button ref={cancel} type="button" class="secondary" disabled={busy} onClick={onCancel}>
            {t("cancel")}
          </button>
        </div>
      </div>
    </div>
  )
}
