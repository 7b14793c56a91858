// Asking before deleting a partner that other parts of the charter refer to.
import { useEffect, useId, useRef } from "preact/hooks"

import { t } from "./messages"
import type { PartnerReferences } from "./partners"

/** Props of {@link DeletePartnerConfirm}. */
export type DeletePartnerConfirmProps = {
  /** The partner's name. */
  name: string
  /** What refers to it. */
  references: PartnerReferences
  /** Deletes it. */
  onConfirm: () => void
  /** Keeps it. */
  onCancel: () => void
}

/** An inline confirmation listing what deleting the partner also changes. */
export function DeletePartnerConfirm({ name, references, onConfirm, onCancel }: DeletePartnerConfirmProps) {
  const titleId = useId()
  const introId = useId()
  const cancel = useRef<HTMLButtonElement>(null)
  useEffect(() => cancel.current?.focus(), [])
  const consequences = [
    references.roles > 0 && t("referencesRoles", { count: references.roles }),
    references.goals > 0 && t("referencesGoals", { count: references.goals }),
    references.duties > 0 && t("referencesDuties", { count: references.duties }),
    references.owned > 0 && t("referencesOwned", { count: references.owned }),
  ].filter((text): text is string => typeof text === "string")

  return (
    <div
      class="confirm"
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={introId}
      data-testid="partner-delete-confirm"
      onKeyDown={(e) => e.key === "Escape" && onCancel()}
    >
      <p id={titleId} class="confirm-title">
        {t("confirmDeleteTitle", { partner: name })}
      </p>
      <div id={introId}>
        <p>{t("confirmDeleteIntro")}</p>
        <ul>
          {consequences.map((text) => (
            <li key={text}>{text}</li>
          ))}
        </ul>
      </div>
      <div class="form-actions">
        <button type="button" class="danger" data-testid="partner-delete-confirm-button" onClick={onConfirm}>
          {t("confirmDelete")}
        </button>
        <button ref={cancel} type="button" class="secondary" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </div>
  )
}
