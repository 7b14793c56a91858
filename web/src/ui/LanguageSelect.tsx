// Choosing a language: a partnership's working language, or the interface's.
import { LOCALES, type Locale } from "../i18n"
import { t } from "./messages"

/** A labelled select of the languages Mitra speaks. */
export function LanguageSelect(props: {
  label: string
  value: Locale
  onValue: (value: Locale) => void
  testId?: string
  /** Keep the label for screen readers only. */
  hideLabel?: boolean
  /** The label element's class. */
  class?: string
}) {
  return (
    <label class={props.class}>
      {props.hideLabel ? <span class="visually-hidden">{props.label}</span> : props.label}
      <select
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onValue(e.currentTarget.value as Locale)}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {l === "en" ? t("langEn") : t("langId")}
          </option>
        ))}
      </select>
    </label>
  )
}
