import { useMemo } from "preact/hooks"

import { useCharterChange } from "../app/context"
import type { Indicator } from "../generated/model"
import { locale } from "../i18n"
import { num, str } from "../model/values"
import { DateField, NumberField, TextField } from "../ui/fields"
import { deleteIndicator, updateIndicator, type IndicatorPatch } from "./edit"
import { FeedbackList } from "./FeedbackList"
import { IndicatorChart } from "./IndicatorChart"
import { Measurements } from "./Measurements"
import { t } from "./messages"
import { ProgressBar } from "./ProgressBar"
import { indicatorSummary } from "./summary"

/** One indicator of a goal: its definition, progress, chart, measurements and feedback. */
export function IndicatorCard({ goalId, indicator }: { goalId: string; indicator: Indicator }) {
  const change = useCharterChange()
  const id = str(indicator.id)
  const name = str(indicator.name)
  const language = locale.value
  const summary = useMemo(() => indicatorSummary(indicator), [indicator, language])
  const headingId = `indicator-${id}-heading`
  const update = (patch: IndicatorPatch) => change((d) => updateIndicator(d, goalId, id, patch))
  const remove = () => {
    if (window.confirm(t("confirmDeleteIndicator", { name }))) {
      change((d) => deleteIndicator(d, goalId, id))
    }
  }

  return (
    <section class="indicator" data-testid="indicator" data-indicator-id={id} aria-labelledby={headingId}>
      <h5 id={headingId}>{name}</h5>
      <div class="indicator-status" data-testid="indicator-summary">
        <p>
          {summary.latest}
          <br />
          {summary.target}
        </p>
        {summary.fraction === null ? (
          <p class="muted">{summary.progress}</p>
        ) : (
          <p>
            <ProgressBar fraction={summary.fraction} label={t("progressOf", { title: name })} testId="indicator-progress" />
            <span class="muted"> {t("progressExplained")}</span>
          </p>
        )}
      </div>
      <div class="indicator-layout">
        <IndicatorChart
          indicator={indicator}
          label={t("chartLabel", { name, summary: `${summary.latest}. ${summary.target}. ${summary.progress}.` })}
        />
        <div class="indicator-fields">
          <TextField label={t("indicatorName")} value={name} onCommit={(text) => update({ name: text })} testId="indicator-name" />
          <TextField label={t("unit")} value={str(indicator.unit)} onCommit={(text) => update({ unit: text })} testId="indicator-unit" />
          <NumberField
            label={t("baseline")}
            value={num(indicator.baseline)}
            onCommit={(value) => update({ baseline: value })}
            testId="indicator-baseline"
          />
          <NumberField
            label={t("target")}
            value={num(indicator.target)}
            onCommit={(value) => update({ target: value })}
            testId="indicator-target"
          />
          <DateField
            label={t("targetDate")}
            value={str(indicator.targetDate) || null}
            onCommit={(date) => update({ targetDate: date })}
            testId="indicator-target-date"
          />
          <button type="button" class="danger" onClick={remove} aria-label={t("deleteIndicatorLabel", { name })} data-testid="delete-indicator">
            {t("deleteIndicator")}
          </button>
        </div>
      </div>
      <Measurements goalId={goalId} indicator={indicator} />
      <FeedbackList goalId={goalId} indicator={indicator} />
    </section>
  )
}
