// Choosing a role: for a member, an invitation or an API token.
import type { Role } from "../app/api"
import { withCurrent } from "../ui/fields"
import { roleLabel } from "./labels"

/** Props of {@link RoleSelect}. */
export type RoleSelectProps<R extends Role> = {
  /** The label (read by screen readers even when hidden). */
  label: string
  /** Shows the label to screen readers only (in a table, under a "Role" header). */
  hideLabel?: boolean
  /** The roles offered. */
  roles: readonly R[]
  /** The role shown (a role this version does not know is offered as it is). */
  value: string
  /** Disables the select (while a request runs). */
  disabled?: boolean
  /** The test id of the select. */
  testId: string
  /** Takes the chosen role. */
  onChange: (role: R) => void
}

/** A labelled select of roles with their localized names. */
export function RoleSelect<R extends Role>(props: RoleSelectProps<R>) {
  const { label, hideLabel, roles, value, disabled, testId, onChange } = props
  const choices = roles.map((role) => ({ value: role, label: roleLabel(role) }))
  return (
    <label class="role-select">
      <span class={hideLabel ? "visually-hidden" : undefined}>{label}</span>
      <select
        value={value}
        disabled={disabled}
        data-testid={testId}
        onChange={(e) => {
          const chosen = e.currentTarget.value
          if ((roles as readonly string[]).includes(chosen)) onChange(chosen as R)
        }}
      >
        {withCurrent(choices, value).map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  )
}
