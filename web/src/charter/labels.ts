// Localized names of the model's enumerations. A value this version does not
// know (written by a newer client) is shown as it is, never hidden or lost.
import {
  CONTRIBUTION_KINDS,
  LANGUAGES,
  LEVELS,
  PARTNERSHIP_TYPES,
  RACI_ROLES,
  RESOURCE_KINDS,
  RISK_CATEGORIES,
  SECTORS,
} from "../generated/model"
import { str } from "../model/values"
import { t } from "./messages"

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

function spec<V extends string>(values: readonly V[], label: (value: V) => string): EnumSpec {
  return {
    values,
    label: (value) => {
      const s = str(value)
      return isOneOf(values, s) ? label(s) : s
    },
  }
}

/** Kinds of partnership. */
export const PARTNERSHIP_TYPE = spec(PARTNERSHIP_TYPES, (v) => t(`type.${v}`))
/** Sectors of partner organisations. */
export const SECTOR = spec(SECTORS, (v) => t(`sector.${v}`))
/** Kinds of contribution. */
export const CONTRIBUTION_KIND = spec(CONTRIBUTION_KINDS, (v) => t(`contribution.${v}`))
/** RACI roles. */
export const RACI = spec(RACI_ROLES, (v) => t(`raci.${v}`))
/** Risk categories. */
export const RISK_CATEGORY = spec(RISK_CATEGORIES, (v) => t(`category.${v}`))
/** Likelihood and impact levels. */
export const LEVEL = spec(LEVELS, (v) => t(`level.${v}`))
/** Kinds of resource. */
export const RESOURCE_KIND = spec(RESOURCE_KINDS, (v) => t(`resource.${v}`))
/** Working languages, each named in itself. */
export const LANGUAGE = spec(LANGUAGES, (v) => (v === "id" ? t("langId") : t("langEn")))

/** RACI roles as a matrix cell offers them, letter first so that a narrow cell still shows it ("A · Accountable"). */
export const RACI_CELL: EnumSpec = {
  values: RACI.values,
  label: (value) => (isOneOf(RACI_ROLES, str(value)) ? `${raciLetter(value)} · ${RACI.label(value)}` : RACI.label(value)),
}

/** The one-letter abbreviation of a RACI role (the first letter of an unknown one). */
export function raciLetter(value: unknown): string {
  const s = str(value)
  return isOneOf(RACI_ROLES, s) ? t(`raciLetter.${s}`) : s.charAt(0).toUpperCase()
}

/** What a RACI role means (empty for an unknown one). */
export function raciHelp(value: unknown): string {
  const s = str(value)
  return isOneOf(RACI_ROLES, s) ? t(`raciHelp.${s}`) : ""
}
