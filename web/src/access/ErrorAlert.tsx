// A failed request, said out loud: the API's own message, or that the
// server could not be reached.
import type { ApiError } from "../app/api"
import { t } from "./messages"

/** Props of {@link ErrorAlert}. */
export type ErrorAlertProps = {
  /** The error to show (nothing when null). */
  error: ApiError | null
  /** What to say when the server could not be reached (a generic sentence unless given). */
  offline?: string
  /** A test id. */
  testId?: string
}

/** An alert with the API's message for `error`. */
export function ErrorAlert({ error, offline, testId }: ErrorAlertProps) {
  if (!error) return null
  return (
    <p class="access-error error" role="alert" data-testid={testId}>
      {error.isNetwork ? (offline ?? t("offlineAction")) : error.message}
    </p>
  )
}
