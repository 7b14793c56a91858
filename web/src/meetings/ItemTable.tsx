// A list of items as a table whose cells are labelled fields. Where there is
// room it is a table with column headings; in a narrow column or on a phone
// (a container query in meetings.css) each row becomes a card and the
// fields show their own labels.
import type { ComponentChildren, HTMLAttributes, TargetedMouseEvent } from "preact"

import { t } from "./messages"

/** One column of an {@link ItemTable}. */
export type Column<T> = {
  /** The column heading (also the label of a plain cell on a card). */
  label: string
  /** The cell: usually a field labelled with the column's label. */
  cell: (item: T, index: number) => ComponentChildren
  /** A class for the heading and the cells (widths). */
  class?: string
  /** The cell is not a labelled field: label it with the heading on cards. */
  plain?: boolean
}

/** A table of items, or `empty` when there are none. */
export function ItemTable<T>(props: {
  /** The id of the heading that names the table. */
  labelledBy: string
  /** The columns. */
  columns: readonly Column<T>[]
  /** The items, in order. */
  items: readonly T[]
  /** A stable key per item (its id). */
  itemKey: (item: T) => string
  /** Shown instead of the table when there are no items ("" for nothing). */
  empty: string
  /** A test id for each row. */
  rowTestId?: string
  /** Extra attributes for each row (classes, data-). */
  rowProps?: (item: T) => HTMLAttributes<HTMLTableRowElement>
}) {
  const { labelledBy, columns, items, itemKey, empty, rowTestId, rowProps } = props
  if (items.length === 0) return empty ? <p class="muted item-table-empty">{empty}</p> : null
  return (
    <div class="item-table">
      <table aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" class={c.class}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((item, index) => (
            <tr key={itemKey(item)} data-testid={rowTestId} data-id={itemKey(item)} {...rowProps?.(item)}>
              {columns.map((c) => (
                <td key={c.label} class={c.class}>
                  {c.plain && <span class="field-label">{c.label}</span>}
                  {c.cell(item, index)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/**
 * Move up / move down / delete buttons for the item called `name`. Moving
 * keeps the focus on the button pressed (or its neighbour at an end), so a
 * keyboard user can keep moving the item.
 */
export function RowButtons(props: {
  /** What the item is called, for the buttons' accessible names. */
  name: string
  /** Moves the item up; absent when the list has no order. */
  onUp?: () => void
  /** Moves the item down. */
  onDown?: () => void
  /** Deletes the item. */
  onRemove: () => void
  /** Whether the item is first (cannot move up). */
  first?: boolean
  /** Whether the item is last (cannot move down). */
  last?: boolean
  /** A test id prefix: `<prefix>-up`, `<prefix>-down`, `<prefix>-delete`. */
  testId?: string
}) {
  const { name, onUp, onDown, onRemove, first, last, testId } = props
  const move = (action: () => void) => (e: TargetedMouseEvent<HTMLButtonElement>) => {
    const button = e.currentTarget
    action()
    requestAnimationFrame(() => {
      const target = button.disabled
        ? button.parentElement?.querySelector<HTMLButtonElement>("button:not(:disabled)")
        : button
      target?.focus()
    })
  }
  return (
    <div class="row-buttons">
      {onUp && (
        <button
          type="button"
          class="secondary"
          disabled={first}
          aria-label={t("moveUp", { item: name })}
          title={t("moveUp", { item: name })}
          data-testid={testId && `${testId}-up`}
          onClick={move(onUp)}
        >
          <span aria-hidden="true">↑</span>
        </button>
      )}
      {onDown && (
        <button
          type="button"
          class="secondary"
          disabled={last}
          aria-label={t("moveDown", { item: name })}
          title={t("moveDown", { item: name })}
          data-testid={testId && `${testId}-down`}
          onClick={move(onDown)}
        >
          <span aria-hidden="true">↓</span>
        </button>
      )}
      <button
        type="button"
        class="danger"
        aria-label={t("remove", { item: name })}
        title={t("remove", { item: name })}
        data-testid={testId && `${testId}-delete`}
        onClick={onRemove}
      >
        <span aria-hidden="true">✕</span>
      </button>
    </div>
  )
}
