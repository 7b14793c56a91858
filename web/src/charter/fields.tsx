// The charter's form fields: each writes to the shared document as the
// person edits, labelled for screen readers, showing remote changes whenever
// the person is not typing in it.
import { useEffect, useId, useRef } from "preact/hooks"

import type { Partner } from "../generated/model"
import { list, str } from "../model/values"
import { useDraft } from "./draft"
import type { EnumSpec } from "./labels"
import { t } from "./messages"

type LabelProps = {
  /** The field's label (read by screen readers even when hidden). */
  label: string
  /** Shows the label to screen readers only (in tables, where a header says it). */
  hideLabel?: boolean
  /** A test id for the input itself. */
  testId?: string
  /** Extra classes for the label wrapping the field. */
  class?: string
}

function LabelText({ label, hideLabel }: Pick<LabelProps, "label" | "hideLabel">) {
  return <span class={hideLabel ? "visually-hidden" : "field-label"}>{label}</span>
}

/** Props of {@link TextField}. */
export type TextFieldProps = LabelProps & {
  /** The document's value (a scalar string, text, or plain string). */
  value: unknown
  /** Writes the edited text to the document. */
  onCommit: (text: string) => void
  /** A textarea for longer texts. */
  multiline?: boolean
  /** The textarea's height in lines (3 unless given). */
  rows?: number
  /** Why a typed text cannot be written, or null when it can. */
  check?: (text: string) => string | null
  /** Focuses the field when it appears (for an item just added). */
  autoFocus?: boolean
  placeholder?: string
  type?: "text" | "email"
  inputMode?: "text" | "decimal" | "email"
  maxLength?: number
  /** The id of a `<datalist>` of suggestions. */
  list?: string
}

/**
 * A labelled text input (or textarea) for a plain string of the document:
 * writes as the person types (after a pause, on leaving, on Enter) and never
 * overwrites what they are typing.
 */
export function TextField(props: TextFieldProps) {
  const { label, hideLabel, testId, value, onCommit, multiline, check, autoFocus } = props
  const draft = useDraft(str(value), onCommit, check)
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null)
  const problemId = useId()
  useAutoFocus(ref, autoFocus)

  const shared = {
    ref,
    value: draft.text,
    placeholder: props.placeholder,
    "aria-describedby": draft.problem ? problemId : undefined,
    "aria-invalid": draft.problem ? ("true" as const) : undefined,
    "data-testid": testId,
    onInput: (e: Event) => draft.onInput((e.currentTarget as HTMLInputElement).value),
    onBlur: draft.onBlur,
  }
  return (
    <label class={props.class ? `field ${props.class}` : "field"}>
      <LabelText label={label} hideLabel={hideLabel} />
      {multiline ? (
        <textarea {...shared} rows={props.rows ?? 3} />
      ) : (
        <input
          {...shared}
          type={props.type ?? "text"}
          inputMode={props.inputMode}
          autoComplete="off"
          maxLength={props.maxLength}
          list={props.list}
          onKeyDown={(e) => e.key === "Enter" && draft.flush()}
        />
      )}
      {draft.problem && (
        <span id={problemId} class="field-problem" role="alert">
          {draft.problem}
        </span>
      )}
    </label>
  )
}

/** One choice of a {@link SelectField}. */
export type Choice = { value: string; label: string; disabled?: boolean }

/** Props of {@link SelectField}. */
export type SelectFieldProps = LabelProps & {
  /** The value chosen ("" for none). */
  value: string
  /** The choices, in order. */
  choices: readonly Choice[]
  /** Writes the chosen value. */
  onChange: (value: string) => void
}

/** A labelled select that writes the choice at once. */
export function SelectField({ label, hideLabel, testId, value, choices, onChange, ...rest }: SelectFieldProps) {
  return (
    <label class={rest.class ? `field ${rest.class}` : "field"}>
      <LabelText label={label} hideLabel={hideLabel} />
      <select
        value={value}
        data-testid={testId}
        onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value)}
      >
        {choices.map((c) => (
          <option key={c.value} value={c.value} disabled={c.disabled}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  )
}

/** Props of {@link EnumSelect}. */
export type EnumSelectProps = LabelProps & {
  /** The enumeration. */
  spec: EnumSpec
  /** The document's value (a scalar string), or null. */
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
export function EnumSelect({ spec, value, onChange, optional, ...label }: EnumSelectProps) {
  const known = spec.values.map((v) => ({ value: v, label: spec.label(v) }))
  return <ChoiceSelect {...label} known={known} value={str(value)} unknown={(v) => v} none={optional} onChange={onChange} />
}

/** Props of {@link PartnerSelect}. */
export type PartnerSelectProps = LabelProps & {
  /** The partners to choose from. */
  partners: readonly Partner[] | null | undefined
  /** The chosen partner's id (a scalar string), or null / "" for none. */
  value: unknown
  /** Writes the chosen partner's id (null for "—"). */
  onChange: (partnerId: string | null) => void
  /** Whether a partner must be named ("—" is then shown only while none is). */
  required?: boolean
}

/**
 * A select of the charter's partners. An id that no longer names a partner
 * (deleted concurrently) is shown as such rather than silently replaced.
 */
export function PartnerSelect({ partners, value, onChange, required, ...label }: PartnerSelectProps) {
  const known = list(partners).map((p) => ({ value: str(p.id), label: partnerName(p) }))
  const unknown = () => t("unknownPartner")
  return <ChoiceSelect {...label} known={known} value={str(value)} unknown={unknown} none={!required} onChange={onChange} />
}

type ChoiceSelectProps = LabelProps & {
  known: Choice[]
  value: string
  /** The label of a current value that is not among the known ones. */
  unknown: (value: string) => string
  /** Whether "—" (no value) may be chosen; it is shown anyway while there is no value. */
  none: boolean | undefined
  onChange: (value: string | null) => void
}

/** A select of known choices that keeps an unknown current value and offers "—" for none. */
function ChoiceSelect({ known, value, unknown, none, onChange, ...label }: ChoiceSelectProps) {
  const choices = [...known]
  if (value !== "" && !known.some((c) => c.value === value)) choices.push({ value, label: unknown(value) })
  if (none || value === "") choices.unshift({ value: "", label: t("none"), disabled: !none })
  return <SelectField {...label} value={value} choices={choices} onChange={(v) => onChange(v === "" ? null : v)} />
}

/** A partner's name as shown (a placeholder while it has none). */
export function partnerName(partner: { name: unknown } | undefined): string {
  if (!partner) return t("unknownPartner")
  return str(partner.name).trim() || t("unnamedPartner")
}

/** A labelled checkbox that writes at once. */
export function CheckboxField({ label, checked, onChange, testId }: { label: string; checked: boolean; onChange: (checked: boolean) => void; testId?: string }) {
  return (
    <label class="checkbox-field">
      <input
        type="checkbox"
        checked={checked}
        data-testid={testId}
        onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <span>{label}</span>
    </label>
  )
}

/** Focuses `ref`'s element once, when it mounts, if `autoFocus`. */
export function useAutoFocus(ref: { current: HTMLElement | null }, autoFocus: boolean | undefined): void {
  useEffect(() => {
    if (autoFocus) ref.current?.focus()
    // Only when the element appears.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])
}
