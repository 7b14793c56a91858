// What selects offer: choices by value with what the person reads, and the
// model's enumerations with localized names. A value this version does not
// know (written by a newer client, or the id of an item since removed) is
// shown rather than hidden or replaced.
import { str } from "../../model/values"
import { t } from "./messages"

/** One option of a select. */
export type Choice = {
  /** The value stored in the document. */
  value: string
  /** What the person reads. */
  label: string
}

/** The label of `value` among `choices`, or `value` itself when it is not one of them. */
export function labelOf(choices: readonly Choice[], value: string): string {
  return choices.find((c) => c.value === value)?.label ?? value
}

/**
 * The choices to offer for a current `value`: `choices`, plus `value` when
 * it is set and not among them (so a select never shows a value other than
 * the stored one), labelled by `unknown` ("… (unknown)" unless given).
 */
export function withCurrent(
  choices: readonly Choice[],
  value: string,
  unknown: (value: string) => string = (v) => t("unknownValue", { value: v }),
): Choice[] {
  if (value === "" || choices.some((c) => c.value === value)) return [...choices]
  return [...choices, { value, label: unknown(value) }]
}

/** An enumeration as the interface offers it: its known values and how each is called. */
export type EnumSpec = {
  /** The values this version knows, in display order. */
  values: readonly string[]
  /** The localized name of a value (read with `str`); unknown values as they are. */
  label: (value: unknown) => string
}

/** Whether `value` is one of `values` (narrowing it). */
export function isOneOf<V extends string>(values: readonly V[], value: string): value is V {
  return (values as readonly string[]).includes(value)
}

/** The {@link EnumSpec} of `values`, named by `label` (unknown values as they are). */
export function enumSpec<V extends string>(values: readonly V[], label: (value: V) => string): EnumSpec {
  return {
    values,
    label: (value) => {
      const s = str(value)
      return isOneOf(values, s) ? label(s) : s
    },
  }
}

/** The enumeration's values as choices, with their names. */
export function enumChoices(spec: EnumSpec): Choice[] {
  return spec.values.map((value) => ({ value, label: spec.label(value) }))
}
