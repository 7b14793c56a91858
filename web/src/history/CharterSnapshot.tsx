// A past version of the charter, read only: name, purpose, vision,
// principles, partners, and goals with their status and indicators.
import { SECTOR } from "../charter/labels"
import type { CharterDocument } from "../generated/model"
import { GOAL_STATUS } from "../goals/messages"
import { indicatorSummary } from "../goals/summary"
import { list, str } from "../model/values"
import { t } from "./messages"
import { Paragraphs, Part } from "./SnapshotParts"

/** The charter as it was. */
export function CharterSnapshot({ charter }: { charter: CharterDocument }) {
  const principles = list(charter.principles)
  const partners = list(charter.partners)
  const goals = list(charter.goals)
  return (
    <article class="history-charter" aria-label={str(charter.name)}>
      <p class="history-past-title" data-testid="history-snapshot-name">
        {str(charter.name)}
      </p>
      <Part title={t("purpose")} empty={!str(charter.purpose).trim()}>
        <Paragraphs text={str(charter.purpose)} />
      </Part>
      <Part title={t("vision")} empty={!str(charter.vision).trim()}>
        <Paragraphs text={str(charter.vision)} />
      </Part>
      <Part title={t("principles")} empty={principles.length === 0}>
        <ul>
          {principles.map((p) => (
            <li key={str(p.id)}>
              <strong>{str(p.title)}</strong>
              {str(p.description) && <> — {str(p.description)}</>}
            </li>
          ))}
        </ul>
      </Part>
      <Part title={t("partners")} empty={partners.length === 0}>
        <ul>
          {partners.map((p) => (
            <li key={str(p.id)}>
              <strong>{str(p.name)}</strong> · {SECTOR.label(p.sector)}
            </li>
          ))}
        </ul>
      </Part>
      <Part title={t("goals")} empty={goals.length === 0}>
        <ul class="history-goals">
          {goals.map((g) => (
            <li key={str(g.id)} data-testid="history-snapshot-goal">
              <strong>{str(g.title)}</strong> <span class="history-status">{GOAL_STATUS.label(g.status)}</span>
              {list(g.indicators).length > 0 && (
                <ul aria-label={t("indicators")}>
                  {list(g.indicators).map((i) => (
                    <li key={str(i.id)}>
                      {str(i.name)}: <span class="muted">{indicatorSummary(i).latest}</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </Part>
    </article>
  )
}
