// Running one change through the API: busy while it runs, its error kept to
// show, and the lists loaded again afterwards (whether it worked or not, so
// what is shown is what the server holds).
import { useCallback, useState } from "preact/hooks"

import type { ApiError } from "../app/api"
import { toApiError } from "./errors"

/** A runner of changes, with its state. */
export type Action = {
  /** True while a request runs. */
  busy: boolean
  /** The last request's error, until the next request. */
  error: ApiError | null
  /** Runs `request`; resolves to its answer, or undefined when it failed. */
  run: <T>(request: () => Promise<T>) => Promise<T | undefined>
  /** Forgets the error (when the person moves on). */
  clear: () => void
}

/** A runner of changes that calls `after` (a reload) once each request ends. */
export function useAction(after: () => Promise<void>): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | null>(null)
  const run = useCallback(
    async <T,>(request: () => Promise<T>): Promise<T | undefined> => {
      setBusy(true)
      setError(null)
      try {
        return await request()
      } catch (e) {
        setError(toApiError(e))
        return undefined
      } finally {
        await after()
        setBusy(false)
      }
    },
    [after],
  )
  const clear = useCallback(() => setError(null), [])
  return { busy, error, run, clear }
}
