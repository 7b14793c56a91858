import { t } from "./messages"

/** Marks a late action item, in words (not colour alone). */
export function OverdueBadge() {
  return (
    <span class="overdue-badge" data-testid="overdue">
      {t("overdue")}
    </span>
  )
}
