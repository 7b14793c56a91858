import { useCharterChange } from "../app/context"
import type { Goal, Partner } from "../generated/model"
import { str } from "../model/values"
import { ownerIds, setOwner } from "./edit"
import { t } from "./messages"

/** The goal's owners, chosen among the charter's partners. */
export function OwnersField({ goal, partners }: { goal: Goal; partners: readonly Partner[] }) {
  const change = useCharterChange()
  const goalId = str(goal.id)
  const owners = ownerIds(goal)
  const choices = partners.map((p) => ({ id: str(p.id), name: str(p.name) || str(p.id) }))
  // Owners that are no longer partners stay visible, so they can be removed.
  for (const id of owners) {
    if (!choices.some((c) => c.id === id)) choices.push({ id, name: t("formerPartner", { id }) })
  }
  return (
    <fieldset class="goal-owners-field">
      <legend>{t("owners")}</legend>
      {choices.length === 0 ? (
        <p class="muted">{t("noPartners")}</p>
      ) : (
        <ul class="checks">
          {choices.map((c) => (
            <li key={c.id}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={owners.includes(c.id)}
                  data-testid="goal-owner"
                  data-partner-id={c.id}
                  onChange={(e) => {
                    const owner = e.currentTarget.checked
                    change((d) => setOwner(d, goalId, c.id, owner))
                  }}
                />
                {c.name}
              </label>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  )
}
