// The state of a form that asks the server: busy while it waits, and what
// went wrong, in words.
import { useState } from "preact/hooks"

import { describeError, type ErrorMeanings } from "./problems"

/** A form's request: whether it runs, its failure, and how to run it. */
export type Submission = {
  /** True while the request runs (the submit button is disabled). */
  busy: boolean
  /** What went wrong last time, for people (null: nothing). */
  error: string | null
  /** Shows a failure found without asking the server. */
  fail: (message: string | null) => void
  /** Runs `work` once at a time; a failure becomes {@link Submission.error}. */
  run: (work: () => Promise<void>, meanings?: ErrorMeanings) => Promise<void>
}

/** The request state of one form. */
export function useSubmission(): Submission {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async (work: () => Promise<void>, meanings?: ErrorMeanings) => {
    if (busy) return
    setBusy(true)
    setError(null)
    try {
      await work()
    } catch (failure) {
      setError(describeError(failure, meanings))
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, fail: setError, run }
}
