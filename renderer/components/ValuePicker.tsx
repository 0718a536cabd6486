// Sailfish's combo box: a row with the label and, in the highlight colour, the current value; choosing
// it opens a menu of the values right below (as Sailfish's context menu does). A real control for
// assistive technology: a button that pops up a listbox, with arrow keys, Home/End, typing, Escape.
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';

export interface PickerOption<T extends string> {
  value: T;
  label: string;
}

export function ValuePicker<T extends string>(props: {
  label: string;
  value: T;
  options: Array<PickerOption<T>>;
  onChange: (value: T) => void;
  description?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const selectedIndex = Math.max(
    0,
    props.options.findIndex((o) => o.value === props.value),
  );
  const current = props.options[selectedIndex];

  const openMenu = (at = selectedIndex) => {
    setActive(at);
    setOpen(true);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const choose = (index: number) => {
    const option = props.options[index];
    close(true);
    if (option && option.value !== props.value) props.onChange(option.value);
  };

  // The active option holds focus while the menu is open (a roving focus, no activedescendant).
  useEffect(() => {
    if (!open) return;
    const item = list.current?.querySelectorAll<HTMLElement>('[role="option"]')[active];
    item?.focus();
  }, [open, active]);

  // A click anywhere else closes the menu.
  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!list.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) close(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      openMenu();
    }
  };
  const onListKey = (e: KeyboardEvent) => {
    const last = props.options.length - 1;
    const move = (to: number) => {
      e.preventDefault();
      setActive(Math.min(last, Math.max(0, to)));
    };
    switch (e.key) {
      case 'ArrowDown':
        return move(active + 1);
      case 'ArrowUp':
        return move(active - 1);
      case 'Home':
        return move(0);
      case 'End':
        return move(last);
      case 'Enter':
      case ' ':
        e.preventDefault();
        return choose(active);
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        return close(true);
      case 'Tab':
        return close(false);
      default:
        if (e.key.length === 1 && /\S/.test(e.key)) {
          const key = e.key.toLowerCase();
          const order = [...props.options.keys()].map((i) => (active + 1 + i) % props.options.length);
          const hit = order.find((i) => props.options[i]!.label.toLowerCase().startsWith(key));
          if (hit !== undefined) move(hit);
        }
    }
  };

  return (
    <div className={`picker${props.disabled ? ' disabled' : ''}`}>
      <button
        ref={button}
        type="button"
        className="picker-row"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? `${id}-list` : undefined}
        aria-describedby={props.description ? `${id}-hint` : undefined}
        disabled={props.disabled}
        onClick={() => (open ? close(true) : openMenu())}
        onKeyDown={onButtonKey}
      >
        <span className="picker-label" id={`${id}-label`}>
          {props.label}
        </span>{' '}
        <span className="picker-value">{current?.label ?? ''}</span>
      </button>
      {open && (
        <ul
          ref={list}
          id={`${id}-list`}
          role="listbox"
          className="picker-menu"
          aria-labelledby={`${id}-label`}
          onKeyDown={onListKey}
        >
          {props.options.map((o, i) => (
            <li
              key={o.value}
              role="option"
              aria-selected={o.value === props.value}
              tabIndex={i === active ? 0 : -1}
              className={o.value === props.value ? 'selected' : undefined}
              onClick={() => choose(i)}
            >
              {o.label}
            </li>
          ))}
        </ul>
      )}
      {props.description && (
        <p className="hint" id={`${id}-hint`}>
          {props.description}
        </p>
      )}
    </div>
  );
}
