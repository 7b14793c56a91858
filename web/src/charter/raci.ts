// The responsibility (RACI) matrix: rows are the partnership as a whole and
// each goal, columns are the partners, and each cell is the partner's part in
// that row, stored as one RoleAssignment per (goal, partner) pair.
import type { CharterDocument, Raci, RoleAssignment } from "../generated/model"
import { removeWhere } from "../model/lists"
import { list, optStr, scalar, str } from "../model/values"
import { newRoleAssignment } from "./factories"

/** A row of the matrix: a goal, or the partnership as a whole (`goalId` null). */
export type RaciRow = { goalId: string | null; title: string }

/** A column of the matrix: a partner. */
export type RaciColumn = { partnerId: string; name: string }

/** The matrix as shown: its rows, columns, and the assignment in each cell. */
export type RaciMatrix = {
  /** The partnership as a whole first, then the goals in document order. */
  rows: RaciRow[]
  /** The partners in document order. */
  columns: RaciColumn[]
  /** The assignment shown in a cell (the first for the pair), if any. */
  cell(goalId: string | null, partnerId: string): RoleAssignment | undefined
}

/** Whether `assignment` is the one for (goalId, partnerId). */
export function isAssignmentFor(assignment: RoleAssignment, goalId: string | null, partnerId: string): boolean {
  return optStr(assignment.goalId) === goalId && str(assignment.partnerId) === partnerId
}

/** Builds the matrix of a charter's roles over its goals and partners. */
export function raciMatrix(charter: Pick<CharterDocument, "goals" | "partners" | "roles">): RaciMatrix {
  const rows: RaciRow[] = [
    { goalId: null, title: "" },
    ...list(charter.goals).map((g) => ({ goalId: str(g.id), title: str(g.title) })),
  ]
  const columns = list(charter.partners).map((p) => ({ partnerId: str(p.id), name: str(p.name) }))
  // The first assignment per pair wins, as `setRaci` keeps the first.
  const cells = new Map<string, RoleAssignment>()
  for (const role of list(charter.roles)) {
    const key = cellKey(optStr(role.goalId), str(role.partnerId))
    if (!cells.has(key)) cells.set(key, role)
  }
  return { rows, columns, cell: (goalId, partnerId) => cells.get(cellKey(goalId, partnerId)) }
}

/**
 * Sets `partnerId`'s part in a goal (or the partnership, for `goalId` null)
 * in a draft charter: updates the pair's assignment (keeping its
 * description), creates one when there is none, or removes it for `null`.
 * Duplicates for the pair, left by concurrent edits, are removed.
 */
export function setRaci(draft: CharterDocument, goalId: string | null, partnerId: string, raci: Raci | null): void {
  const roles = draft.roles
  const first = roles.findIndex((r) => isAssignmentFor(r, goalId, partnerId))
  if (raci === null) {
    removeWhere(roles, (r) => isAssignmentFor(r, goalId, partnerId))
  } else if (first < 0) {
    roles.push(newRoleAssignment(goalId, partnerId, raci))
  } else {
    // Duplicates come after the first; delete from the end so indexes hold.
    for (let i = roles.length - 1; i > first; i--) {
      if (isAssignmentFor(roles[i], goalId, partnerId)) roles.splice(i, 1)
    }
    if (str(roles[first].raci) !== raci) roles[first].raci = scalar(raci)
  }
}

function cellKey(goalId: string | null, partnerId: string): string {
  return JSON.stringify([goalId, partnerId])
}
