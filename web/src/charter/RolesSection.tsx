// Roles and responsibilities: the RACI matrix of partners over the
// partnership as a whole and each goal.
import { useId } from "preact/hooks"

import { RACI_ROLES, type RoleAssignment } from "../generated/model"
import { str } from "../model/values"
import { EnumSelect, partnerName } from "../ui/fields"
import { RACI, RACI_CELL, raciHelp, raciLetter } from "./labels"
import { t } from "./messages"
import { raciMatrix, setRaci, type RaciColumn, type RaciRow } from "./raci"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** The responsibility matrix and its legend. */
export function RolesSection() {
  const { charter } = useCharter()
  const matrix = raciMatrix(charter)
  const captionId = useId()
  return (
    <Section title={t("rolesTitle")} intro={t("rolesIntro")} testId="charter-roles">
      {matrix.columns.length === 0 ? (
        <p class="muted">{t("rolesNeedPartners")}</p>
      ) : (
        // Focusable so that keyboard users can scroll it on a small screen.
        <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
          <table class="raci-matrix" data-testid="raci-matrix">
            <caption id={captionId} class="visually-hidden">
              {t("rolesCaption")}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t("goalColumn")}</th>
                {matrix.columns.map((column) => (
                  <th key={column.partnerId} scope="col">
                    {partnerName(column)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.rows.map((row) => (
                <tr key={row.goalId ?? ""}>
                  <th scope="row">{rowTitle(row)}</th>
                  {matrix.columns.map((column) => (
                    <RaciCell
                      key={column.partnerId}
                      row={row}
                      column={column}
                      assignment={matrix.cell(row.goalId, column.partnerId)}
                    />
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RaciLegend />
    </Section>
  )
}

function rowTitle(row: RaciRow): string {
  if (row.goalId === null) return t("wholePartnership")
  return row.title.trim() || t("untitledGoal")
}

type RaciCellProps = { row: RaciRow; column: RaciColumn; assignment: RoleAssignment | undefined }

/** One cell: the partner's part in the row, and what exactly it does. */
function RaciCell({ row, column, assignment }: RaciCellProps) {
  const { change } = useCharter()
  const value = str(assignment?.raci)
  const details = str(assignment?.description)
  return (
    <td class={value ? `raci-cell raci-${value}` : "raci-cell"} data-goal-id={row.goalId ?? ""} data-partner-id={column.partnerId}>
      <EnumSelect
        spec={RACI_CELL}
        optional
        value={value}
        hideLabel
        label={t("raciCell", { partner: partnerName(column), row: rowTitle(row) })}
        testId="raci-cell"
        onChange={(next) => change((d) => setRaci(d, row.goalId, column.partnerId, next))}
      />
      {details && <p class="raci-description">{details}</p>}
    </td>
  )
}

/** What R, A, C and I mean. */
function RaciLegend() {
  return (
    <Section title={t("legendTitle")} level={3}>
      <dl class="raci-legend" data-testid="raci-legend">
        {RACI_ROLES.map((role) => (
          <div key={role} class={`raci-legend-item raci-${role}`}>
            <dt>
              <span class="raci-letter">{raciLetter(role)}</span>
              {RACI.label(role)}
            </dt>
            <dd>{raciHelp(role)}</dd>
          </div>
        ))}
      </dl>
    </Section>
  )
}
