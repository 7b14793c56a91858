// The partnership's name, working language and types.
import { useId } from "preact/hooks"

import { setHas, setMember } from "../model/lists"
import { list, scalar, str } from "../model/values"
import { CheckboxField, EnumSelect, TextField } from "../ui/fields"
import { LANGUAGE, PARTNERSHIP_TYPE } from "./labels"
import { t } from "./messages"
import { Section } from "./Section"
import { useCharter } from "./useCharter"

/** Name, working language and partnership types. */
export function OverviewSection() {
  const { charter, change } = useCharter()
  const typesId = useId()
  const types = list(charter.types).map(str)
  // Types written by newer clients are shown (and can be unticked) as they are.
  const offered = [...PARTNERSHIP_TYPE.values, ...types.filter((v) => !PARTNERSHIP_TYPE.values.includes(v))]

  return (
    <Section title={t("overviewTitle")} testId="charter-overview">
      <div class="grid">
        <TextField
          label={t("name")}
          value={charter.name}
          testId="charter-name"
          onCommit={(text) =>
            change((d) => {
              d.name = scalar(text)
            })
          }
        />
        <EnumSelect
          label={t("workingLanguage")}
          spec={LANGUAGE}
          value={charter.language}
          testId="charter-language"
          onChange={(value) =>
            change((d) => {
              if (value) d.language = scalar(value)
            })
          }
        />
      </div>
      <fieldset class="checkbox-set" aria-describedby={typesId}>
        <legend>{t("types")}</legend>
        <p id={typesId} class="muted field-hint">
          {t("typesHint")}
        </p>
        <div class="checkboxes">
          {offered.map((type) => (
            <CheckboxField
              key={type}
              label={PARTNERSHIP_TYPE.label(type)}
              checked={setHas(charter.types, type)}
              testId={`charter-type-${type}`}
              onChange={(checked) =>
                change((d) => {
                  setMember(d.types, type, checked)
                })
              }
            />
          ))}
        </div>
      </fieldset>
    </Section>
  )
}
