// Why the partnership exists and what success looks like.
import { t } from "./messages"
import { Section } from "./Section"
import { SharedText } from "./SharedText"

/** The purpose and the shared vision, written together. */
export function PurposeSection() {
  return (
    <Section title={t("purposeTitle")} testId="charter-purpose-section">
      <SharedText field="purpose" title={t("purpose")} hint={t("purposeHint")} placeholder={t("purposePlaceholder")} />
      <SharedText field="vision" title={t("vision")} hint={t("visionHint")} placeholder={t("visionPlaceholder")} />
    </Section>
  )
}
