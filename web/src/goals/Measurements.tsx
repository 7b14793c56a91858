import { useRef, useState } from "preact/hooks"

import { useCharterChange } from "../app/context"
import type { Indicator } from "../generated/model"
import { formatDate } from "../i18n"
import { num, parseNumber, str, today } from "../model/values"
import { FormField, numberProblem } from "../ui/fields"
import { newMeasurement } from "./create"
import { addMeasurement, deleteMeasurement } from "./edit"
import { t } from "./messages"
import { formatNumber } from "./numbers"
import { latestMeasurement, sortedMeasurements } from "./progress"

/** What the measurements of an indicator need. */
type MeasurementsProps = { goalId: string; indicator: Indicator }

/** An indicator's measurements as a table (newest first, the chart's data in words), and a form to add one. */
export function Measurements({ goalId, indicator }: MeasurementsProps) {
  const change = useCharterChange()
  const id = str(indicator.id)
  const name = str(indicator.name)
  const unit = str(indicator.unit)
  const captionId = `indicator-${id}-measurements`
  const rows = sortedMeasurements(indicator).reverse()

  return (
    <div class="measurements">
      <h6>{t("measurements")}</h6>
      {rows.length === 0 ? (
        <p class="muted">{t("noMeasurements")}</p>
      ) : (
        <div class="table-scroll measurements-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
          <table data-testid="measurements">
            <caption id={captionId} class="visually-hidden">
              {t("measurementsOf", { name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("date")}</th>
                <th scope="col">{unit ? t("valueIn", { unit }) : t("value")}</th>
                <th scope="col">{t("source")}</th>
                <th scope="col">{t("note")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => {
                const mId = str(m.id)
                const date = formatDate(str(m.date))
                const value = num(m.value)
                return (
                  <tr key={mId} data-testid="measurement" data-measurement-id={mId}>
                    <td class="nowrap">{date}</td>
                    <td class="number">{value === null ? "" : formatNumber(value)}</td>
                    <td>{str(m.source)}</td>
                    <td>{str(m.note)}</td>
                    <td>
                      <button
                        type="button"
                        class="danger small"
                        onClick={() => change((d) => deleteMeasurement(d, goalId, id, mId))}
                        aria-label={t("deleteMeasurementLabel", { date })}
                        data-testid="delete-measurement"
                      >
                        {t("deleteMeasurement")}
                      </button>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <AddMeasurementForm goalId={goalId} indicator={indicator} />
    </div>
  )
}

function AddMeasurementForm({ goalId, indicator }: MeasurementsProps) {
  const change = useCharterChange()
  const id = str(indicator.id)
  const unit = str(indicator.unit)
  const [date, setDate] = useState(today)
  const [value, setValue] = useState("")
  // Measurements usually come from the same source as the last one.
  const [source, setSource] = useState(() => str(latestMeasurement(indicator)?.source))
  const [note, setNote] = useState("")
  const [error, setError] = useState<string | null>(null)
  const valueInput = useRef<HTMLInputElement>(null)

  const submit = (e: Event) => {
    e.preventDefault()
    const parsed = parseNumber(value)
    if (parsed === null || date === "") {
      setError(numberProblem(value, true))
      valueInput.current?.focus()
      return
    }
    const measurement = newMeasurement(date, parsed, source.trim(), note.trim())
    change((d) => addMeasurement(d, goalId, id, measurement))
    setValue("")
    setNote("")
    setError(null)
    valueInput.current?.focus()
  }

  return (
    <form class="add-form" onSubmit={submit} aria-label={t("newMeasurement")}>
      <FormField label={t("date")} type="date" value={date} onValue={setDate} required testId="measurement-date" />
      <FormField
        label={unit ? t("valueIn", { unit }) : t("value")}
        value={value}
        onValue={(next) => {
          setValue(next)
          setError(null)
        }}
        required
        inputMode="decimal"
        error={error}
        inputRef={valueInput}
        testId="measurement-value"
      />
      <FormField label={t("source")} value={source} onValue={setSource} testId="measurement-source" />
      <FormField label={t("note")} value={note} onValue={setNote} testId="measurement-note" class="grow" />
      <button type="submit" class="secondary" data-testid="add-measurement">
        {t("addMeasurement")}
      </button>
    </form>
  )
}
