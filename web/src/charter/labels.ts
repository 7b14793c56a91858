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
import { enumSpec, isOneOf, type EnumSpec } from "../ui/fields"
import { t } from "./messages"

/** Kinds of partnership. */
export const PARTNERSHIP_TYPE = enumSpec(PARTNERSHIP_TYPES, (v) => t(`type.${v}`))
/** Sectors of partner organisations. */
export const SECTOR = enumSpec(SECTORS, (v) => t(`sector.${v}`))
/** Kinds of contribution. */
export const CONTRIBUTION_KIND = enumSpec(CONTRIBUTION_KINDS, (v) => t(`contribution.${v}`))
/** RACI roles. */
export const RACI = enumSpec(RACI_ROLES, (v) => t(`raci.${v}`))
/** Risk categories. */
export const RISK_CATEGORY = enumSpec(RISK_CATEGORIES, (v) => t(`category.${v}`))
/** Likelihood and impact levels. */
export const LEVEL = enumSpec(LEVELS, (v) => t(`level.${v}`))
/** Kinds of resource. */
export const RESOURCE_KIND = enumSpec(RESOURCE_KINDS, (v) => t(`resource.${v}`))
/** Working languages, each named in itself. */
export const LANGUAGE = enumSpec(LANGUAGES, (v) => (v === "id" ? t("langId") : t("langEn")))

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
