// Edits of the charter's goals, run inside `charterHandle.change`. Every
// function finds its items by id at the time of the change, not by an index
// seen when the page was drawn: another partner may have added, removed or
// reordered items meanwhile. An item that is gone makes the edit a no-op.
import type { CharterDocument, Feedback, Goal, Indicator, Measurement, Smart } from "../generated/model"
import { findById, moveById, removeById, removeWhere, setMember } from "../model/lists"
import { list, optScalar, scalar, str } from "../model/values"

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

/** The goal with id `goalId`, if it is still there. */
export function findGoal(doc: CharterDocument, goalId: string): Goal | undefined {
  return findById(doc.goals, goalId)
}

/** The indicator with id `indicatorId` of the goal `goalId`, if both are still there. */
export function findIndicator(doc: CharterDocument, goalId: string, indicatorId: string): Indicator | undefined {
  return findById(findGoal(doc, goalId)?.indicators, indicatorId)
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
  if (removeById(doc.goals, goalId) === 0) return false
  removeWhere(doc.roles, (r) => str(r.goalId) === goalId)
  return true
}

/**
 * Moves a goal by `delta` places (-1 up, +1 down); returns whether it moved
 * (not past either end). automerge has no move: the goal is deleted and
 * inserted again with the same content.
 */
export function moveGoal(doc: CharterDocument, goalId: string, delta: number): boolean {
  return moveById(doc.goals, goalId, delta)
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
  if (goal) setMember(goal.ownerIds, partnerId, owner)
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
  if (goal) removeById(goal.indicators, indicatorId)
}

/** Appends a measurement (made with `newMeasurement`) to an indicator. */
export function addMeasurement(doc: CharterDocument, goalId: string, indicatorId: string, measurement: Measurement): void {
  findIndicator(doc, goalId, indicatorId)?.measurements.push(measurement)
}

/** Deletes a measurement. */
export function deleteMeasurement(doc: CharterDocument, goalId: string, indicatorId: string, measurementId: string): void {
  const indicator = findIndicator(doc, goalId, indicatorId)
  if (indicator) removeById(indicator.measurements, measurementId)
}

/** Appends qualitative feedback (made with `newFeedback`) to an indicator. */
export function addFeedback(doc: CharterDocument, goalId: string, indicatorId: string, feedback: Feedback): void {
  findIndicator(doc, goalId, indicatorId)?.feedback.push(feedback)
}

/** Deletes a piece of feedback. */
export function deleteFeedback(doc: CharterDocument, goalId: string, indicatorId: string, feedbackId: string): void {
  const indicator = findIndicator(doc, goalId, indicatorId)
  if (indicator) removeById(indicator.feedback, feedbackId)
}
