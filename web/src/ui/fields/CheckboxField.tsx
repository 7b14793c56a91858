// A yes/no value of the shared document.
import { useRef } from "preact/hooks"

import { LabelText, useAutoFocus, type FieldProps } from "./Field"

/** Props of {@link CheckboxField}. */
export type CheckboxFieldProps = FieldProps & {
  /** The document's value. */
  checked: boolean
  /** Writes the new value. */
  onChange: (checked: boolean) => void
}

/** A labelled checkbox, its text after the box, that writes at once. */
export function CheckboxField({ label, hideLabel, testId, autoFocus, checked, onChange, ...rest }: CheckboxFieldProps) {
  const ref = useRef<HTMLInputElement>(null)
  useAutoFocus(ref, autoFocus)
  return (
    <label class={rest.class ? `checkbox-field ${rest.class}` : "checkbox-field"}>
      <input
        ref={ref}
        type="checkbox"
        checked={checked}
        data-testid={testId}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      <LabelText label={label} hideLabel={hideLabel} />
    </label>
  )
}
