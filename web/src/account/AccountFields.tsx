// The fields of a new account (setup, accepting an invitation): username,
// password (typed twice where asked), display name and organisation.
import type { NewAccount } from "../app/api"
import { FormField } from "../ui/fields"
import { t } from "./messages"
import type { Problem } from "./problems"

/** A new account with nothing typed yet. */
export const EMPTY_ACCOUNT: NewAccount = { username: "", password: "", display_name: "", organisation: "" }

/** Props of {@link AccountFields}. */
export type AccountFieldsProps = {
  /** Test ids are `<prefix>-username`, `-password`, `-password-confirm`, `-name`, `-organisation`. */
  prefix: string
  /** What is typed. */
  value: NewAccount
  /** Takes the account as the person types. */
  onValue: (value: NewAccount) => void
  /** The password typed again, when the form asks for it. */
  confirm?: string
  /** Takes the password typed again. */
  onConfirm?: (value: string) => void
  /** The problem found on submitting, shown at its field. */
  problem: Problem | null
}

/** The labelled fields of a new account. */
export function AccountFields({ prefix, value, onValue, confirm, onConfirm, problem }: AccountFieldsProps) {
  const set = (field: keyof NewAccount) => (next: string) => onValue({ ...value, [field]: next })
  const errorAt = (field: string) => (problem?.field === field ? t(problem.message) : null)
  return (
    <>
      <FormField
        label={t("username")}
        value={value.username}
        onValue={set("username")}
        autoComplete="username"
        required
        testId={`${prefix}-username`}
        error={errorAt("username")}
        alert
      />
      <FormField
        label={t("passwordNew")}
        type="password"
        value={value.password}
        onValue={set("password")}
        autoComplete="new-password"
        required
        testId={`${prefix}-password`}
        error={errorAt("password")}
        alert
      />
      {confirm !== undefined && onConfirm && (
        <FormField
          label={t("passwordConfirm")}
          type="password"
          value={confirm}
          onValue={onConfirm}
          autoComplete="new-password"
          required
          testId={`${prefix}-password-confirm`}
          error={errorAt("confirm")}
          alert
        />
      )}
      <FormField
        label={t("displayName")}
        value={value.display_name}
        onValue={set("display_name")}
        autoComplete="name"
        required
        testId={`${prefix}-name`}
        error={errorAt("name")}
        alert
      />
      <FormField
        label={t("organisation")}
        value={value.organisation}
        onValue={set("organisation")}
        autoComplete="organization"
        required
        testId={`${prefix}-organisation`}
        error={errorAt("organisation")}
        alert
      />
    </>
  )
}
