// Every failure of a request, as an ApiError the interface can show.
import { ApiError } from "../app/api"

/** `error` as an {@link ApiError} (anything else thrown becomes one with its message). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError(-1, "client_error", error instanceof Error ? error.message : String(error))
}
