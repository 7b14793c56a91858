// A table of items: captioned, with column headers, scrolling sideways in a
// keyboard-focusable region on a medium screen and stacking each row as a
// card (every cell led by its column's name) on a phone. Its roles are
// explicit so the stacked layout keeps the table's semantics.
import type { ComponentChildren } from "preact"
import { useId } from "preact/hooks"

/** Props of {@link DataTable}. */
export type DataTableProps<T> = {
  /** The caption, which names the table and its scrolling region. */
  caption: string
  /** Shows the caption to screen readers only (when the text above says the same). */
  hideCaption?: boolean
  /** The column headers. */
  columns: readonly string[]
  /** The items, one row each, in order. */
  rows: readonly T[]
  /** A stable key of an item. */
  rowKey: (row: T) => string | number
  /** The cells of an item's row, one per column. */
  cells: (row: T) => ComponentChildren[]
  /** Attributes of an item's row (test ids, data attributes). */
  rowAttributes?: (row: T) => Record<string, string>
  /** A test id of the table. */
  testId?: string
  /** Extra class of the table. */
  class?: string
}

/** A captioned table of `rows` under `columns`. */
export function DataTable<T>(props: DataTableProps<T>) {
  const { caption, hideCaption, columns, rows, rowKey, cells, rowAttributes, testId } = props
  const captionId = useId()
  return (
    <div class="table-scroll" role="region" aria-labelledby={captionId} tabIndex={0}>
      <table role="table" class={props.class ? `data-table ${props.class}` : "data-table"} data-testid={testId}>
        <caption id={captionId} class={hideCaption ? "visually-hidden" : undefined}>
          {caption}
        </caption>
        <thead role="rowgroup">
          <tr role="row">
            {columns.map((column) => (
              <th key={column} role="columnheader" scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((row) => (
            <tr key={rowKey(row)} role="row" {...rowAttributes?.(row)}>
              {cells(row).map((cell, i) => (
                <td key={columns[i]} role="cell" data-label={columns[i]}>
                  {cell === false || cell === null || cell === undefined ? null : <div class="cell">{cell}</div>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
