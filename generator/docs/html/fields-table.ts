/**
 * A payload as an HTML table: one row per field, and for a nested object a full-width row below it
 * holding the object's own table inside a collapsed <details>, so deep payloads stay scannable.
 */
import type { Constraint } from '../constraints.js';
import { escapeHtml, escapeHtmlLines } from '../escape.js';
import type { FieldRow } from '../fields.js';

export function fieldsTable(rows: readonly FieldRow[]): string {
  if (rows.length === 0) return '<p class="muted">No fields.</p>';
  return `<table class="fields">
<thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th><th>Description</th></tr></thead>
<tbody>
${rows.map(fieldRow).join('\n')}
</tbody>
</table>`;
}

function fieldRow(row: FieldRow): string {
  const ref = row.ref === undefined ? '' : ` <span class="ref" title="definition">${escapeHtml(row.ref)}</span>`;
  const recursive = row.recursive ? ' <span class="note">recursive, fields above</span>' : '';
  const cells = [
    `<td class="name"><code>${escapeHtml(row.name)}</code></td>`,
    `<td class="type"><code>${escapeHtml(row.type)}</code>${ref}${recursive}</td>`,
    `<td class="req">${row.required ? '<span class="yes">yes</span>' : '<span class="no">no</span>'}</td>`,
    `<td class="cons">${row.constraints.map(constraint).join('')}</td>`,
    `<td class="desc">${row.description === undefined ? '' : escapeHtmlLines(row.description)}</td>`,
  ];
  const main = `<tr data-path="${escapeHtml(row.path)}">${cells.join('')}</tr>`;
  if (row.children.length === 0) return main;
  const count = `${row.children.length} field${row.children.length === 1 ? '' : 's'}`;
  return `${main}
<tr class="nested"><td colspan="5"><details><summary><code>${escapeHtml(row.path)}</code> · ${count}</summary>
${fieldsTable(row.children)}
</details></td></tr>`;
}

function constraint(c: Constraint): string {
  const values = c.values.map((v) => `<code>${escapeHtml(v)}</code>`).join(' ');
  return `<span class="c"><span class="cl">${escapeHtml(c.label)}</span>${values === '' ? '' : ` ${values}`}</span>`;
}
