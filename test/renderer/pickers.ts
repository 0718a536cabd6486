// Driving Sailfish-style pickers as a user does: open the row, choose a value from its menu.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

/** The row of a picker: the button named "<label> <value>" that pops up its menu or dialog. */
export function pickerRow(label: string): HTMLElement {
  const rows = screen
    .getAllByRole('button', { name: new RegExp(`^${label} `) })
    .filter((b) => b.hasAttribute('aria-haspopup'));
  if (rows.length !== 1) throw new Error(`expected one picker "${label}", found ${rows.length}`);
  return rows[0]!;
}

export async function pick(label: string, option: string): Promise<void> {
  await screen.findAllByRole('button', { name: new RegExp(`^${label} `) });
  await userEvent.click(pickerRow(label));
  const menu = screen.getByRole('listbox', { name: label });
  await userEvent.click(within(menu).getByRole('option', { name: option }));
}

/** The value a picker row shows. */
export function pickerValue(label: string): string {
  return pickerRow(label).querySelector('.picker-value')?.textContent ?? '';
}
