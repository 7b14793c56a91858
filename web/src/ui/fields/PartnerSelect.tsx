// Choosing one of the charter's partners, by id.
import type { Partner } from "../../generated/model"
import { list, str } from "../../model/values"
import type { Choice } from "./choices"
import type { FieldProps } from "./Field"
import { t } from "./messages"
import { SelectField } from "./SelectField"

/** A partner's name as shown (a placeholder while it has none, or when it is gone). */
export function partnerName(partner: { name: unknown } | undefined): string {
  if (!partner) return t("unknownPartner")
  return str(partner.name).trim() || t("unnamedPartner")
}

/** The partners as choices by id, in charter order. */
export function partnerChoices(partners: readonly Partner[] | null | undefined): Choice[] {
  return list(partners).map((p) => ({ value: str(p.id), label: partnerName(p) }))
}

/** Props of {@link PartnerSelect}. */
export type PartnerSelectProps = FieldProps & {
  /** The partners to choose from. */
  partners: readonly Partner[] | null | undefined
  /** The chosen partner's id (a scalar or plain string), or null / "" for none. */
  value: unknown
  /** Writes the chosen partner's id (null for none). */
  onChange: (partnerId: string | null) => void
  /** Whether a partner must be named ("—" is then shown only while none is). */
  required?: boolean
  /** The label of "no partner" ("—" unless given). */
  none?: string
}

/**
 * A select of the charter's partners. An id that no longer names a partner
 * (deleted concurrently) is shown as such rather than silently replaced.
 */
export function PartnerSelect({ partners, required, none, onChange, ...rest }: PartnerSelectProps) {
  return (
    <SelectField
      {...rest}
      choices={partnerChoices(partners)}
      unknown={() => t("unknownPartner")}
      none={required ? undefined : (none ?? t("none"))}
      onChange={(v) => onChange(v === "" ? null : v)}
    />
  )
}
