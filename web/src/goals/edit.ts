// Edits of the charter's goals, run inside `charterHandle.change`. Every
// function finds its items by id at the time of the change, not by an index
// seen when the page was drawn: another partner may have added, removed or
// reordered items meanwhile. An item that is gone makes the edit a no-op.
import type { CharterDocument, Feedback, Goal, Indicator, Measurement, Smart } from "../generated/model"
import { list, moveItem, optScalar, scalar, str } from "../model/values"

/** The SMART parts written as plain strings (not the time-bound date). */
export type SmartText = Exclude<keyof Smart, "timeBound">

/** The indicator fields edited in place. */
export type IndicatorPatch = Partial<{
  name: string
  unit: string
  baseline: number | null
  target: number | null
  targetDate: string | null
}>

/** The position of the goal with id `goalId` in `goals`, or -1. */
export function goalIndex(goals: readonly Goal[], goalId: string): number {
  return goals.findIndex((g) => str(g.id) === goalId)
}

/** The goal with id `goalId`, if it is still there. */
export function findGoal(doc: CharterDocument, goalId: string): Goal | undefined {
  return list(doc.goals).find((g) => str(g.id) === goalId)
}

/** The indicator with id `indicatorId` of the goal `goalId`, if both are still there. */
export function findIndicator(doc: CharterDocument, goalId: string, indicatorId: string): Indicator | undefined {
  return list(findGoal(doc, goalId)?.indicators).find((i) => str(i.id) === indicatorId)
}

/** The goal's owners: partner ids, each once (concurrent additions can repeat one). */
export function ownerIds(goal: Goal): string[] {
  return [...new Set(list(goal.ownerIds).map(str))]
}

/** Appends a goal (made with `newGoal`). */
export function addGoal(doc: CharterDocument, goal: Goal): void {
  doc.goals.push(goal)
}

/**
 * Deletes a goal, and the charter's role assignments for it, which would
 * otherwise point at nothing. Returns whether the goal was there.
 */
export function deleteGoal(doc: CharterDocument, goalId: string): boolean {
  const index = goalIndex(doc.goals, goalId)
  if (index < 0) return false
  doc.goals.splice(index, 1)
  removeWhere(doc.roles, (r) => str(r.goalId) === goalId)
  return true
}

/** Whether the goal can move by `delta` places (-1 up, +1 down) in `goals`. */
export function canMoveGoal(goals: readonly Goal[], goalId: string, delta: number): boolean {
  const index = goalIndex(goals, goalId)
  return index >= 0 && index + delta >= 0 && index + delta < goals.length
}

/**
 * Moves a goal by `delta` places (-1 up, +1 down). automerge has no move:
 * the goal is deleted and inserted again with the same content.
 */
export function moveGoal(doc: CharterDocument, goalId: string, delta: number): boolean {
  if (!canMoveGoal(doc.goals, goalId, delta)) return false
  const index = goalIndex(doc.goals, goalId)
  moveItem(doc.goals, index, index + delta)
  return true
}

/** Sets a goal's title. */
export function setGoalTitle(doc: CharterDocument, goalId: string, title: string): void {
  const goal = findGoal(doc, goalId)
  if (goal) goal.title = scalar(title)
}

/** Sets a goal's status (one of `GOAL_STATUSES`, or a value a newer client knows). */
export function setGoalStatus(doc: CharterDocument, goalId: string, status: string): void {
  const goal = findGoal(doc, goalId)
  if (goal) goal.status = scalar(status)
}

/**
 * Makes the partner an owner of the goal or not. The owners are a set:
 * the partner ends up listed exactly once, or not at all.
 */
export function setOwner(doc: CharterDocument, goalId: string, partnerId: string, owner: boolean): void {
  const goal = findGoal(doc, goalId)
  if (!goal) return
  const first = goal.ownerIds.findIndex((id) => str(id) === partnerId)
  // Remove every later copy, and the first one too when it should go.
  removeWhere(goal.ownerIds, (id, index) => str(id) === partnerId && (index !== first || !owner))
  if (owner && first < 0) goal.ownerIds.push(scalar(partnerId))
}

/** Sets one of the SMART parts written as text. */
export function setSmartText(doc: CharterDocument, goalId: string, part: SmartText, value: string): void {
  const goal = findGoal(doc, goalId)
  if (goal) goal.smart[part] = scalar(value)
}

/** Sets the date (`YYYY-MM-DD`) by which the goal is achieved, or none. */
export function setTimeBound(doc: CharterDocument, goalId: string, date: string | null): void {
  const goal = findGoal(doc, goalId)
  if (goal) goal.smart.timeBound = optScalar(date)
}

/** Appends an indicator (made with `newIndicator`) to a goal. */
export function addIndicator(doc: CharterDocument, goalId: string, indicator: Indicator): void {
  findGoal(doc, goalId)?.indicators.push(indicator)
}

/** Changes some of an indicator's own fields. */
export function updateIndicator(doc: CharterDocument, goalId: string, indicatorId: string, patch: IndicatorPatch): void {
  const indicator = findIndicator(doc, goalId, indicatorId)
  if (!indicator) return
  if (patch.name !== undefined) indicator.name = scalar(patch.name)
  if (patch.unit !== undefined) indicator.unit = scalar(patch.unit)
  if (patch.baseline !== undefined) indicator.baseline = patch.baseline
  if (patch.target !== undefined) indicator.target = patch.target
  if (patch.targetDate !== undefined) indicator.targetDate = optScalar(patch.targetDate)
}

/** Deletes an indicator with its measurements and feedback. */
export function deleteIndicator(doc: CharterDocument, goalId: string, indicatorId: string): void {
  const goal = findGoal(doc, goalId)
  if (goal) removeWhere(goal.indicators, (i) => str(i.id) === indicatorId)
}

/** Appends a measurement (made with `newMeasurement`) to an indicator. */
export function addMeasurement(doc: CharterDocument, goalId: string, indicatorId: string, measurement: Measurement): void {
  findIndicator(doc, goalId, indicatorId)?.measurements.push(measurement)
}

/** Deletes a measurement. */
export function deleteMeasurement(doc: CharterDocument, goalId: string, indicatorId: string, measurementId: string): void {
  const indicator = findIndicator(doc, goalId, indicatorId)
  if (indicator) removeWhere(indicator.measurements, (m) => str(m.id) === measurementId)
}

/** Appends qualitative feedback (made with `newFeedback`) to an indicator. */
export function addFeedback(doc: CharterDocument, goalId: string, indicatorId: string, feedback: Feedback): void {
  findIndicator(doc, goalId, indicatorId)?.feedback.push(feedback)
}

/** Deletes a piece of feedback. */
export function deleteFeedback(doc: CharterDocument, goalId: string, indicatorId: string, feedbackId: string): void {
  const indicator = findIndicator(doc, goalId, indicatorId)
  if (indicator) removeWhere(indicator.feedback, (f) => str(f.id) === feedbackId)
}

/** Deletes the items of an automerge list that match, from the end so indexes stay valid. */
function removeWhere<T>(items: T[], matches: (item: T, index: number) => boolean): void {
  for (let i = items.length - 1; i >= 0; i--) {
    if (matches(items[i], i)) items.splice(i, 1)
  }
}
