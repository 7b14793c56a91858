// One partner organisation: its name and sector, what it brings, and who
// represents it.
import { useId, useState } from "preact/hooks"

import type { Contribution, Partner, Representative } from "../generated/model"
import { editItem, removeById, type ItemEdit } from "../model/lists"
import { list, optScalar, scalar, str } from "../model/values"
import { EnumSelect, partnerName, TextField } from "../ui/fields"
import { EditableList, ItemActions, type ItemContext } from "./EditableList"
import { newContribution, newRepresentative } from "./factories"
import { DeletePartnerConfirm } from "./DeletePartnerConfirm"
import { CONTRIBUTION_KIND, SECTOR } from "./labels"
import { t } from "./messages"
import { isReferenced, partnerReferences } from "./partners"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** A partner's card. */
export function PartnerCard({ partner, context }: { partner: Partner; context: ItemContext }) {
  const { charter, change } = useCharter()
  const id = str(partner.id)
  const edit: ItemEdit<Partner> = (apply) => change((d) => editItem(d.partners, id, apply))
  const headingId = useId()
  const [confirming, setConfirming] = useState(false)
  // After "Cancel", focus goes back to the delete button the person came from.
  const [cancelled, setCancelled] = useState(false)
  const name = partnerName(partner)
  const references = partnerReferences(charter, id)

  return (
    <article class="partner-card" aria-labelledby={headingId}>
      <h3 id={headingId} class="item-heading">
        {name}
      </h3>
      <div class="grid">
        <TextField
          label={t("partnerName")}
          value={partner.name}
          autoFocus={context.isNew}
          testId="partner-name"
          onCommit={(text) =>
            edit((p) => {
              p.name = scalar(text)
            })
          }
        />
        <EnumSelect
          label={t("sector")}
          spec={SECTOR}
          value={partner.sector}
          testId="partner-sector"
          onChange={(value) =>
            edit((p) => {
              if (value) p.sector = scalar(value)
            })
          }
        />
      </div>
      <Section title={t("contributions")} level={4}>
        <EditableList
          items={list(partner.contributions)}
          label={t("contributionList", { partner: name })}
          addLabel={t("addContribution")}
          emptyText={t("noContributions")}
          itemTestId="contribution"
          onAdd={() => {
            const contribution = newContribution()
            edit((p) => {
              p.contributions.push(contribution)
            })
            return str(contribution.id)
          }}
          onRemove={(cid) => edit((p) => removeById(p.contributions, cid))}
          renderItem={(c, ctx) => <ContributionItem editPartner={edit} contribution={c} context={ctx} />}
        />
      </Section>
      <Section title={t("representatives")} level={4}>
        <EditableList
          items={list(partner.representatives)}
          label={t("representativeList", { partner: name })}
          addLabel={t("addRepresentative")}
          emptyText={t("noRepresentatives")}
          itemTestId="representative"
          onAdd={() => {
            const person = newRepresentative()
            edit((p) => {
              p.representatives.push(person)
            })
            return str(person.id)
          }}
          onRemove={(rid) => edit((p) => removeById(p.representatives, rid))}
          renderItem={(r, ctx) => <RepresentativeItem editPartner={edit} person={r} context={ctx} />}
        />
      </Section>
      {confirming ? (
        <DeletePartnerConfirm
          name={name}
          references={references}
          onConfirm={context.remove}
          onCancel={() => {
            setConfirming(false)
            setCancelled(true)
          }}
        />
      ) : (
        <ItemActions
          context={context}
          name={name}
          deleteTestId="partner-delete"
          deleteText={t("deletePartner")}
          focusDelete={cancelled}
          onDelete={isReferenced(references) ? () => setConfirming(true) : context.remove}
        />
      )}
    </article>
  )
}

type ContributionItemProps = { editPartner: ItemEdit<Partner>; contribution: Contribution; context: ItemContext }

function ContributionItem({ editPartner, contribution, context }: ContributionItemProps) {
  const id = str(contribution.id)
  const edit: ItemEdit<Contribution> = (apply) => editPartner((p) => editItem(p.contributions, id, apply))
  return (
    <div class="item-row">
      <EnumSelect
        label={t("contributionKind")}
        spec={CONTRIBUTION_KIND}
        value={contribution.kind}
        testId="contribution-kind"
        onChange={(value) =>
          edit((c) => {
            if (value) c.kind = scalar(value)
          })
        }
      />
      <TextField
        label={t("contributionDescription")}
        value={contribution.description}
        class="wide"
        autoFocus={context.isNew}
        testId="contribution-description"
        onCommit={(text) =>
          edit((c) => {
            c.description = scalar(text)
          })
        }
      />
      <ItemActions context={context} name={CONTRIBUTION_KIND.label(contribution.kind)} />
    </div>
  )
}

type RepresentativeItemProps = { editPartner: ItemEdit<Partner>; person: Representative; context: ItemContext }

function RepresentativeItem({ editPartner, person, context }: RepresentativeItemProps) {
  const id = str(person.id)
  const edit: ItemEdit<Representative> = (apply) => editPartner((p) => editItem(p.representatives, id, apply))
  return (
    <div class="item-row">
      <TextField
        label={t("representativeName")}
        value={person.name}
        autoFocus={context.isNew}
        testId="representative-name"
        onCommit={(text) =>
          edit((r) => {
            r.name = scalar(text)
          })
        }
      />
      <TextField
        label={t("representativeRole")}
        value={person.role}
        testId="representative-role"
        onCommit={(text) =>
          edit((r) => {
            r.role = scalar(text)
          })
        }
      />
      <TextField
        label={t("representativeEmail")}
        value={person.email}
        type="email"
        inputMode="email"
        testId="representative-email"
        onCommit={(text) =>
          edit((r) => {
            r.email = optScalar(text.trim())
          })
        }
      />
      <ItemActions context={context} name={str(person.name)} />
    </div>
  )
}
