// A list that may still be loading or may have failed to load.
import type { ComponentChildren } from "preact"

import { ErrorAlert } from "./ErrorAlert"
import { t } from "./messages"
import type { Loaded } from "./useAccessData"

/** Props of {@link LoadedList}. */
export type LoadedListProps<T> = {
  /** The list as loaded. */
  loaded: Loaded<T>
  /** Shows the loaded value. */
  children: (value: T) => ComponentChildren
}

/** The loaded value as `children` shows it, a loading line, or the error. */
export function LoadedList<T>({ loaded, children }: LoadedListProps<T>) {
  switch (loaded.state) {
    case "loading":
      return (
        <p class="muted" aria-busy="true">
          {t("loading")}
        </p>
      )
    case "failed":
      return <ErrorAlert error={loaded.error} offline={t("offlineList")} />
    case "ready":
      return <>{children(loaded.value)}</>
  }
}
