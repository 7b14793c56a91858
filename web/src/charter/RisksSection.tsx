// Challenges and risks, with what the partners do about them.
import { useId } from "preact/hooks"

import type { Mitigation, Partner, Risk } from "../generated/model"
import { editItem, removeById, type ItemEdit } from "../model/lists"
import { list, optScalar, scalar, str } from "../model/values"
import { EnumSelect, PartnerSelect, TextField } from "../ui/fields"
import { EditableList, ItemActions, type ItemContext } from "./EditableList"
import { newMitigation, newRisk } from "./factories"
import { LEVEL, RISK_CATEGORY } from "./labels"
import { t } from "./messages"
import { RiskBadge } from "./RiskBadge"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** The risks, each as a card with its level and mitigations. */
export function RisksSection() {
  const { charter, change } = useCharter()
  const partners = list(charter.partners)
  return (
    <Section title={t("risksTitle")} intro={t("risksIntro")} testId="charter-risks">
      <EditableList
        items={list(charter.risks)}
        label={t("riskList")}
        addLabel={t("addRisk")}
        emptyText={t("noRisks")}
        class="risk-list"
        itemTestId="risk"
        addTestId="add-risk"
        onAdd={() => {
          const risk = newRisk()
          change((d) => {
            d.risks.push(risk)
          })
          return str(risk.id)
        }}
        onRemove={(id) => change((d) => removeById(d.risks, id))}
        renderItem={(risk, context) => <RiskCard risk={risk} partners={partners} context={context} />}
      />
    </Section>
  )
}

function RiskCard({ risk, partners, context }: { risk: Risk; partners: readonly Partner[]; context: ItemContext }) {
  const { change } = useCharter()
  const id = str(risk.id)
  const headingId = useId()
  const edit: ItemEdit<Risk> = (apply) => change((d) => editItem(d.risks, id, apply))
  const title = str(risk.title).trim() || t("untitled")
  return (
    <article class="risk-card" aria-labelledby={headingId}>
      <div class="item-header">
        <h3 id={headingId} class="item-heading">
          {title}
        </h3>
        <RiskBadge likelihood={risk.likelihood} impact={risk.impact} />
      </div>
      <div class="risk-fields">
        <TextField
          label={t("riskTitle")}
          value={risk.title}
          autoFocus={context.isNew}
          testId="risk-title"
          onCommit={(text) =>
            edit((r) => {
              r.title = scalar(text)
            })
          }
        />
        <EnumSelect
          label={t("riskCategory")}
          spec={RISK_CATEGORY}
          value={risk.category}
          testId="risk-category"
          onChange={(value) =>
            edit((r) => {
              if (value) r.category = scalar(value)
            })
          }
        />
        <EnumSelect
          label={t("likelihood")}
          spec={LEVEL}
          value={risk.likelihood}
          testId="risk-likelihood"
          onChange={(value) =>
            edit((r) => {
              if (value) r.likelihood = scalar(value)
            })
          }
        />
        <EnumSelect
          label={t("impact")}
          spec={LEVEL}
          value={risk.impact}
          testId="risk-impact"
          onChange={(value) =>
            edit((r) => {
              if (value) r.impact = scalar(value)
            })
          }
        />
      </div>
      <TextField
        label={t("riskDescription")}
        value={risk.description}
        multiline
        rows={2}
        testId="risk-description"
        onCommit={(text) =>
          edit((r) => {
            r.description = scalar(text)
          })
        }
      />
      <Section title={t("mitigations")} level={4}>
        <EditableList
          items={list(risk.mitigations)}
          label={t("mitigationList", { risk: title })}
          addLabel={t("addMitigation")}
          emptyText={t("noMitigations")}
          itemTestId="mitigation"
          onAdd={() => {
            const mitigation = newMitigation()
            edit((r) => {
              r.mitigations.push(mitigation)
            })
            return str(mitigation.id)
          }}
          onRemove={(mid) => edit((r) => removeById(r.mitigations, mid))}
          renderItem={(m, ctx) => <MitigationItem mitigation={m} editRisk={edit} partners={partners} context={ctx} />}
        />
      </Section>
      <ItemActions context={context} name={title} deleteTestId="risk-delete" deleteText={t("deleteRisk")} />
    </article>
  )
}

type MitigationItemProps = { mitigation: Mitigation; editRisk: ItemEdit<Risk>; partners: readonly Partner[]; context: ItemContext }

function MitigationItem({ mitigation, editRisk, partners, context }: MitigationItemProps) {
  const id = str(mitigation.id)
  const edit: ItemEdit<Mitigation> = (apply) => editRisk((r) => editItem(r.mitigations, id, apply))
  return (
    <div class="item-row">
      <TextField
        label={t("mitigationAction")}
        value={mitigation.action}
        class="wide"
        autoFocus={context.isNew}
        testId="mitigation-action"
        onCommit={(text) =>
          edit((m) => {
            m.action = scalar(text)
          })
        }
      />
      <PartnerSelect
        label={t("mitigationOwner")}
        partners={partners}
        value={mitigation.ownerPartnerId}
        testId="mitigation-owner"
        onChange={(partnerId) =>
          edit((m) => {
            m.ownerPartnerId = optScalar(partnerId)
          })
        }
      />
      <ItemActions context={context} name={str(mitigation.action)} />
    </div>
  )
}
