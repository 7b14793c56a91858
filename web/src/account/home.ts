// Where a partnership opens.
import type { Me, Partnership } from "../app/api"
import { routeHash, toUrl } from "../app/route"

/** The fragment that opens a partnership's charter (the start page while it has none). */
export function partnershipHash(charter: string | null): string {
  const url = charter ? toUrl(charter) : null
  return url ? routeHash({ page: "partnership", charter: url, tab: "charter", meeting: null }) : "#/"
}

/** The fragment that opens the partnership `id` of the signed-in person. */
export function homeOf(me: Me, id: string): string {
  return partnershipHash(me.partnerships.find((p) => p.id === id)?.charter ?? null)
}

/**
 * The partnership that setup just created: the one named `name` without a
 * charter yet (setup also hands the first person the partnerships that had
 * no member, such as the demo, which have their charter).
 */
export function createdBySetup(me: Me, name: string): Partnership | null {
  const fresh = me.partnerships.filter((p) => p.charter === null && p.role === "owner")
  return fresh.find((p) => p.name === name.trim()) ?? fresh[0] ?? null
}
