// Amounts of money: shown in the reader's language, typed in it too.
import type { Resource } from "../generated/model"
import { intlLocale, type Locale } from "../i18n"
import { list, num, optStr } from "../model/values"

/** Whether `code` looks like an ISO 4217 currency code ("IDR", "USD"). */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code)
}

/**
 * Formats an amount in `currency` for `locale` ("Rp350.000.000", "US$120,000.00"
 * style); without a currency, or with one Intl does not know, as a plain
 * number followed by the code.
 */
export function formatAmount(amount: number, currency: string | null, locale: Locale): string {
  const tag = intlLocale(locale)
  const whole = Number.isInteger(amount)
  if (currency && isCurrencyCode(currency)) {
    try {
      return new Intl.NumberFormat(tag, {
        style: "currency",
        currency,
        ...(whole ? { minimumFractionDigits: 0, maximumFractionDigits: 0 } : {}),
      }).format(amount)
    } catch {
      // An unknown code: fall through to the plain form.
    }
  }
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 2 }).format(amount)
  return currency ? `${number} ${currency}` : number
}

/** Formats a number for editing in `locale`: grouped, every decimal kept ("350.000.000", "2,5"). */
export function formatNumber(amount: number, locale: Locale): string {
  return new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 20 }).format(amount)
}

/**
 * Parses an amount typed in `locale`: "350.000.000" or "1.250,5" in
 * Indonesian, "350,000,000" or "1,250.5" in English; a single separator
 * between digits ("0,5", "0.5") is read as the decimal point in both.
 * Returns null when it is not a number.
 */
export function parseAmount(input: string, locale: Locale): number | null {
  const text = input.trim().replace(/[\s\u00a0\u202f_]/g, "")
  if (text === "") return null
  const [group, decimal] = locale === "id" ? [".", ","] : [",", "."]
  const g = `\\${group}`
  const d = `\\${decimal}`
  const grouped = new RegExp(`^-?\\d{1,3}(${g}\\d{3})+(${d}\\d+)?$`)
  let normal: string | null = null
  if (grouped.test(text)) normal = text.split(group).join("").replace(decimal, ".")
  else if (/^-?\d+([.,]\d+)?$/.test(text)) normal = text.replace(",", ".")
  if (normal === null) return null
  const n = Number(normal)
  return Number.isFinite(n) ? n : null
}

/** A total of the resources in one currency. */
export type CurrencyTotal = { currency: string; amount: number }

/**
 * The resources' amounts summed per currency, in the order the currencies
 * first appear; amounts without a currency are left out (they cannot be
 * added to anything).
 */
export function totalsByCurrency(resources: readonly Resource[] | null | undefined): CurrencyTotal[] {
  const totals = new Map<string, number>()
  for (const resource of list(resources)) {
    const amount = num(resource.amount)
    const currency = optStr(resource.currency)
    if (amount === null || currency === null) continue
    totals.set(currency, (totals.get(currency) ?? 0) + amount)
  }
  return [...totals].map(([currency, amount]) => ({ currency, amount }))
}
