// The partner organisations.
import { list, str } from "../model/values"
import { EditableList } from "./EditableList"
import { newPartner } from "./factories"
import { t } from "./messages"
import { PartnerCard } from "./PartnerCard"
import { removePartner } from "./partners"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** The partners, each as a card; deleting one cleans up what referred to it. */
export function PartnersSection() {
  const { charter, change } = useCharter()
  return (
    <Section title={t("partnersTitle")} intro={t("partnersIntro")} testId="charter-partners">
      <EditableList
        items={list(charter.partners)}
        label={t("partnerList")}
        addLabel={t("addPartner")}
        emptyText={t("noPartners")}
        class="partner-list"
        itemTestId="partner"
        addTestId="add-partner"
        onAdd={() => {
          const partner = newPartner()
          change((d) => {
            d.partners.push(partner)
          })
          return str(partner.id)
        }}
        onRemove={(id) => change((d) => removePartner(d, id))}
        renderItem={(partner, context) => <PartnerCard partner={partner} context={context} />}
      />
    </Section>
  )
}
