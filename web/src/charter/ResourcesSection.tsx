// Funding and other resources, and how the work continues beyond them.
import { useId } from "preact/hooks"

import type { Partner, Resource } from "../generated/model"
import { locale } from "../i18n"
import { editItem, removeById, type ItemEdit } from "../model/lists"
import { list, num, optScalar, optStr, scalar, str } from "../model/values"
import { EnumSelect, PartnerSelect, TextField } from "../ui/fields"
import { EditableList, ItemActions, type ItemContext } from "./EditableList"
import { newResource } from "./factories"
import { RESOURCE_KIND } from "./labels"
import { t } from "./messages"
import { formatAmount, formatNumber, parseAmount, totalsByCurrency } from "./money"
import { Section } from "./Section"
import { SharedText } from "./SharedText"
import { useCharter } from "./useCharter"

/** Currencies offered as suggestions (any ISO code can be typed). */
const COMMON_CURRENCIES = ["IDR", "USD", "EUR", "AUD", "SGD", "MYR", "JPY", "GBP"]

/** The resources, their totals per currency, and the sustainability plan. */
export function ResourcesSection() {
  const { charter, change } = useCharter()
  const partners = list(charter.partners)
  const currencies = useId()
  const totals = totalsByCurrency(charter.resources)
  return (
    <Section title={t("resourcesTitle")} intro={t("resourcesIntro")} testId="charter-resources">
      <datalist id={currencies}>
        {COMMON_CURRENCIES.map((code) => (
          <option key={code} value={code} />
        ))}
      </datalist>
      <EditableList
        items={list(charter.resources)}
        label={t("resourceList")}
        addLabel={t("addResource")}
        emptyText={t("noResources")}
        itemTestId="resource"
        addTestId="add-resource"
        onAdd={() => {
          const resource = newResource()
          change((d) => {
            d.resources.push(resource)
          })
          return str(resource.id)
        }}
        onRemove={(id) => change((d) => removeById(d.resources, id))}
        renderItem={(resource, context) => (
          <ResourceItem resource={resource} partners={partners} currencies={currencies} context={context} />
        )}
      />
      {totals.length > 0 && (
        <p class="resource-totals" data-testid="resource-totals">
          <strong>{t("totals")}:</strong>{" "}
          {totals.map((total) => formatAmount(total.amount, total.currency, locale.value)).join(" · ")}
        </p>
      )}
      <SharedText
        field="sustainability"
        title={t("sustainability")}
        hint={t("sustainabilityHint")}
        placeholder={t("sustainabilityPlaceholder")}
      />
    </Section>
  )
}

type ResourceItemProps = { resource: Resource; partners: readonly Partner[]; currencies: string; context: ItemContext }

function ResourceItem({ resource, partners, currencies, context }: ResourceItemProps) {
  const { change } = useCharter()
  const id = str(resource.id)
  const edit: ItemEdit<Resource> = (apply) => change((d) => editItem(d.resources, id, apply))
  const amount = num(resource.amount)
  const currency = optStr(resource.currency)
  const lang = locale.value
  return (
    <div class="item-body">
      <div class="item-row">
        <EnumSelect
          label={t("resourceKind")}
          spec={RESOURCE_KIND}
          value={resource.kind}
          testId="resource-kind"
          onChange={(value) =>
            edit((r) => {
              if (value) r.kind = scalar(value)
            })
          }
        />
        <PartnerSelect
          label={t("resourcePartner")}
          partners={partners}
          value={resource.partnerId}
          testId="resource-partner"
          onChange={(partnerId) =>
            edit((r) => {
              r.partnerId = optScalar(partnerId)
            })
          }
        />
        <TextField
          label={t("amount")}
          value={amount === null ? "" : formatNumber(amount, lang)}
          inputMode="decimal"
          class="amount"
          testId="resource-amount"
          check={(text) => (text.trim() !== "" && parseAmount(text, lang) === null ? t("notANumber") : null)}
          onCommit={(text) =>
            edit((r) => {
              const next = parseAmount(text, lang)
              if (num(r.amount) !== next) r.amount = next
            })
          }
        />
        <TextField
          label={t("currency")}
          value={currency ?? ""}
          placeholder="IDR"
          maxLength={3}
          list={currencies}
          class="currency"
          testId="resource-currency"
          check={(text) => (text.trim() !== "" && !/^[A-Za-z]{3}$/.test(text.trim()) ? t("currencyInvalid") : null)}
          onCommit={(text) =>
            edit((r) => {
              r.currency = optScalar(text.trim().toUpperCase())
            })
          }
        />
        {amount !== null && (
          <p class="resource-amount" data-testid="resource-amount-formatted">
            {formatAmount(amount, currency, lang)}
          </p>
        )}
      </div>
      <div class="item-row">
        <TextField
          label={t("resourceDescription")}
          value={resource.description}
          multiline
          rows={2}
          class="wide"
          autoFocus={context.isNew}
          testId="resource-description"
          onCommit={(text) =>
            edit((r) => {
              r.description = scalar(text)
            })
          }
        />
        <ItemActions context={context} name={str(resource.description) || RESOURCE_KIND.label(resource.kind)} />
      </div>
    </div>
  )
}
