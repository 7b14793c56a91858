// What every labelled field has: a label around the control with its text
// first (hidden but still read when a table header says it), a problem
// message tied to the control, and focus when an item was just added.
import type { ComponentChildren } from "preact"
import { useEffect } from "preact/hooks"

import "./fields.css"

/** What every field takes. */
export type FieldProps = {
  /** The field's label (read by screen readers even when hidden). */
  label: string
  /** Shows the label to screen readers only (in tables, where a header says it). */
  hideLabel?: boolean
  /** A test id for the control itself. */
  testId?: string
  /** Extra classes for the label wrapping the field. */
  class?: string
  /** Focuses the control when it appears (for an item just added). */
  autoFocus?: boolean
}

/** The text of a field's label, visible or for screen readers only. */
export function LabelText({ label, hideLabel }: Pick<FieldProps, "label" | "hideLabel">) {
  return <span class={hideLabel ? "visually-hidden" : "field-label"}>{label}</span>
}

/** A `<label class="field">` around a control, its text first. */
export function FieldLabel(props: Pick<FieldProps, "label" | "hideLabel" | "class"> & { children: ComponentChildren }) {
  return (
    <label class={props.class ? `field ${props.class}` : "field"}>
      <LabelText label={props.label} hideLabel={props.hideLabel} />
      {props.children}
    </label>
  )
}

/**
 * Why a field's value cannot be used, under it; give the control
 * `aria-describedby={id}` and `aria-invalid`. With `alert`, screen readers
 * announce it when it appears (for a problem found after the person left
 * the field).
 */
export function FieldProblem({ id, problem, alert }: { id: string; problem: string | null | undefined; alert?: boolean }) {
  if (!problem) return null
  return (
    <span id={id} class="field-problem" role={alert ? "alert" : undefined}>
      {problem}
    </span>
  )
}

/** The ARIA attributes that tie a control to its {@link FieldProblem}. */
export function problemAttributes(id: string, problem: string | null | undefined) {
  return {
    "aria-invalid": problem ? ("true" as const) : undefined,
    "aria-describedby": problem ? id : undefined,
  }
}

/** Focuses `ref`'s element once, when it mounts, if `autoFocus`. */
export function useAutoFocus(ref: { current: HTMLElement | null }, autoFocus: boolean | undefined): void {
  useEffect(() => {
    if (autoFocus) ref.current?.focus()
    // Only when the element appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}
