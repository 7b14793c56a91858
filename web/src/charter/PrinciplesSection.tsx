// The principles the partners commit to.
import type { Principle } from "../generated/model"
import { editItem, moveById, removeById, type ItemEdit } from "../model/lists"
import { list, scalar, str } from "../model/values"
import { TextField } from "../ui/fields"
import { EditableList, ItemActions, type ItemContext } from "./EditableList"
import { newPrinciple } from "./factories"
import { t } from "./messages"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** The principles: an ordered list of titles and what each means here. */
export function PrinciplesSection() {
  const { charter, change } = useCharter()
  return (
    <Section title={t("principlesTitle")} intro={t("principlesIntro")} testId="charter-principles">
      <EditableList
        items={list(charter.principles)}
        label={t("principleList")}
        addLabel={t("addPrinciple")}
        emptyText={t("noPrinciples")}
        itemTestId="principle"
        addTestId="add-principle"
        onAdd={() => {
          const principle = newPrinciple()
          change((d) => {
            d.principles.push(principle)
          })
          return str(principle.id)
        }}
        onRemove={(id) => change((d) => removeById(d.principles, id))}
        onMove={(id, by) => change((d) => void moveById(d.principles, id, by))}
        renderItem={(principle, context) => <PrincipleItem principle={principle} context={context} />}
      />
    </Section>
  )
}

function PrincipleItem({ principle, context }: { principle: Principle; context: ItemContext }) {
  const { change } = useCharter()
  const id = str(principle.id)
  const edit: ItemEdit<Principle> = (apply) => change((d) => editItem(d.principles, id, apply))
  return (
    <div class="principle-item">
      <TextField
        label={t("principleTitle")}
        value={principle.title}
        autoFocus={context.isNew}
        testId="principle-title"
        onCommit={(text) =>
          edit((p) => {
            p.title = scalar(text)
          })
        }
      />
      <TextField
        label={t("principleDescription")}
        value={principle.description}
        multiline
        rows={2}
        class="principle-description"
        testId="principle-description"
        onCommit={(text) =>
          edit((p) => {
            p.description = scalar(text)
          })
        }
      />
      <ItemActions context={context} name={str(principle.title)} />
    </div>
  )
}
