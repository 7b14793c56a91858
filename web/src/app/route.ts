// Where the person is: the URL's fragment carries the partnership's charter
// document (and a meeting's), so a link opens the same place for everyone:
// `#/p/<charter document id>/<tab>[/<meeting document id>]`. Accounts have
// their own pages: `#/signin`, `#/setup/<setup secret>` and
// `#/invite/<invitation secret>` (secrets travel in the fragment, which the
// server never sees).
import { isValidDocumentId, type AutomergeUrl, type DocumentId } from "@automerge/automerge-repo"
import { signal } from "@preact/signals"

/** The sections of a partnership. */
export const TABS = ["charter", "goals", "meetings", "actions", "members", "history"] as const
/** One of {@link TABS}. */
export type Tab = (typeof TABS)[number]

/** A place in the client. */
export type Route =
  | { page: "start" }
  | { page: "signin" }
  | { page: "setup"; secret: string }
  | { page: "invite"; secret: string }
  | { page: "partnership"; charter: AutomergeUrl; tab: Tab; meeting: AutomergeUrl | null }

/**
 * Parses a location fragment (`#/p/...`); anything unknown, or a part that
 * does not decode (a crafted `#/p/%`), is the start page.
 */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodePart)
  if (parts.includes(null)) return { page: "start" }
  const [kind, rawId, rawTab, rawMeeting] = parts as string[]
  if (kind === "signin") return { page: "signin" }
  if ((kind === "setup" || kind === "invite") && rawId) return { page: kind, secret: rawId }
  if (kind !== "p" || rawId === undefined) return { page: "start" }
  const charter = toUrl(rawId)
  if (!charter) return { page: "start" }
  const tab = (TABS as readonly string[]).includes(rawTab ?? "") ? (rawTab as Tab) : "charter"
  const meeting = tab === "meetings" && rawMeeting ? toUrl(rawMeeting) : null
  return { page: "partnership", charter, tab, meeting }
}

/** A fragment's part, percent-decoded; null when it is not valid percent-encoding. */
function decodePart(part: string): string | null {
  try {
    return decodeURIComponent(part)
  } catch {
    return null
  }
}

/** The fragment that opens `route`. */
export function routeHash(route: Route): string {
  if (route.page === "start") return "#/"
  if (route.page === "signin") return "#/signin"
  if (route.page === "setup" || route.page === "invite") return `#/${route.page}/${encodeURIComponent(route.secret)}`
  let hash = `#/p/${documentId(route.charter)}/${route.tab}`
  if (route.tab === "meetings" && route.meeting) hash += `/${documentId(route.meeting)}`
  return hash
}

/**
 * Where a pasted link leads: a Mitra link (its fragment: a partnership, an
 * invitation…), an automerge URL or a bare document id (its charter); null
 * when it is none of these.
 */
export function linkTarget(text: string): Route | null {
  const link = text.trim()
  const hash = link.indexOf("#/")
  if (hash >= 0) {
    const target = parseRoute(link.slice(hash))
    return target.page === "start" ? null : target
  }
  const url = toUrl(link)
  return url ? { page: "partnership", charter: url, tab: "charter", meeting: null } : null
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
