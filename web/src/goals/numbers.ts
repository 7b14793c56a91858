// Numbers of goal documents as people read and type them.
import { intlLocale } from "../i18n"

/** A number for reading, in the interface's language (up to 2 decimals). */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat(intlLocale(), { maximumFractionDigits: 2 }).format(value)
}

/** A fraction (0.36) as a whole percentage ("36%"), in the interface's language. */
export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(intlLocale(), { style: "percent", maximumFractionDigits: 0 }).format(fraction)
}
