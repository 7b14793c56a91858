// Where the person is: the URL's fragment carries the partnership's charter
// document (and a meeting's), so a link opens the same place for everyone:
// `#/p/<charter document id>/<tab>[/<meeting document id>]`.
import { isValidDocumentId, type AutomergeUrl, type DocumentId } from "@automerge/automerge-repo"
import { signal } from "@preact/signals"

/** The sections of a partnership. */
export const TABS = ["charter", "goals", "meetings", "actions"] as const
/** One of {@link TABS}. */
export type Tab = (typeof TABS)[number]

/** A place in the client. */
export type Route =
  | { page: "start" }
  | { page: "partnership"; charter: AutomergeUrl; tab: Tab; meeting: AutomergeUrl | null }

/** Parses a location fragment (`#/p/...`); anything unknown is the start page. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent)
  const [kind, rawId, rawTab, rawMeeting] = parts
  if (kind !== "p" || rawId === undefined) return { page: "start" }
  const charter = toUrl(rawId)
  if (!charter) return { page: "start" }
  const tab = (TABS as readonly string[]).includes(rawTab ?? "") ? (rawTab as Tab) : "charter"
  const meeting = tab === "meetings" && rawMeeting ? toUrl(rawMeeting) : null
  return { page: "partnership", charter, tab, meeting }
}

/** The fragment that opens `route`. */
export function routeHash(route: Route): string {
  if (route.page === "start") return "#/"
  let hash = `#/p/${documentId(route.charter)}/${route.tab}`
  if (route.tab === "meetings" && route.meeting) hash += `/${documentId(route.meeting)}`
  return hash
}

/** An automerge URL from a document id or URL, or null when it is neither. */
export function toUrl(idOrUrl: string): AutomergeUrl | null {
  const id = idOrUrl.trim().replace(/^automerge:/, "").split("#")[0]
  return isValidDocumentId(id) ? (`automerge:${id}` as AutomergeUrl) : null
}

/** The document id part of an automerge URL. */
export function documentId(url: AutomergeUrl): DocumentId {
  return url.replace(/^automerge:/, "").split("#")[0] as DocumentId
}

/** The current route, following the location's fragment. */
export const route = signal<Route>(
  typeof location === "undefined" ? { page: "start" } : parseRoute(location.hash),
)

if (typeof window !== "undefined") {
  window.addEventListener("hashchange", () => {
    route.value = parseRoute(location.hash)
  })
}

/** Goes to `next` (adds a history entry). */
export function navigate(next: Route): void {
  location.hash = routeHash(next)
}
