// Labelled selects bound to a value of the shared document, written as soon
// as the person chooses. The stored value is always the one shown: a value
// not among the choices is offered as it is, and "no value" is shown as
// such (disabled when a value is required) rather than as the first choice.
import { useRef } from "preact/hooks"

import { str } from "../../model/values"
import { enumChoices, withCurrent, type Choice, type EnumSpec } from "./choices"
import { FieldLabel, useAutoFocus, type FieldProps } from "./Field"
import { t } from "./messages"

/** Props of {@link SelectField}. */
export type SelectFieldProps = FieldProps & {
  /** The document's value (a scalar or plain string; "" or null for none). */
  value: unknown
  /** The choices, in order. */
  choices: readonly Choice[]
  /** The label of the empty option, when the field may be empty. */
  none?: string
  /** The label of a current value that is not among the choices ("… (unknown)" unless given). */
  unknown?: (value: string) => string
  /** Writes the chosen value ("" for none). */
  onChange: (value: string) => void
}

/** A labelled select among `choices`, written on change. */
export function SelectField(props: SelectFieldProps) {
  const { label, hideLabel, testId, autoFocus, value, choices, none, unknown, onChange } = props
  const ref = useRef<HTMLSelectElement>(null)
  useAutoFocus(ref, autoFocus)
  const current = str(value)
  return (
    <FieldLabel label={label} hideLabel={hideLabel} class={props.class}>
      <select
        ref={ref}
        value={current}
        data-testid={testId}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        {(none !== undefined || current === "") && (
          <option value="" disabled={none === undefined}>
            {none ?? t("none")}
          </option>
        )}
        {withCurrent(choices, current, unknown).map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </FieldLabel>
  )
}

/** Props of {@link EnumSelect}. */
export type EnumSelectProps = FieldProps & {
  /** The enumeration. */
  spec: EnumSpec
  /** The document's value (a scalar or plain string), or null. */
  value: unknown
  /** Writes the chosen value (null for "—", when `optional`). */
  onChange: (value: string | null) => void
  /** Offers "—" for no value. */
  optional?: boolean
}

/**
 * A select over an enumeration with localized names. A value this version
 * does not know is offered as it is, so showing it changes nothing.
 */
export function EnumSelect({ spec, optional, onChange, ...rest }: EnumSelectProps) {
  return (
    <SelectField
      {...rest}
      choices={enumChoices(spec)}
      unknown={spec.label}
      none={optional ? t("none") : undefined}
      onChange={(v) => onChange(v === "" ? null : v)}
    />
  )
}
