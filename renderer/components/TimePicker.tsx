// Sailfish's time picker: the row shows the time in the highlight colour, written as the locale writes
// times; choosing it opens a dialog with the hour (24-hour) and minute, each a spin button: arrow keys,
// Page Up/Down, Home/End or typed digits, or the buttons beside it.
import { useId, useState, type KeyboardEvent } from 'react';
import { Dialog } from './Dialog';

const pad = (n: number) => String(n).padStart(2, '0');

/** "08:40" as this browser's locale writes a time of day ("08:40", "8:40 AM", …). */
export function localTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  const date = new Date(2000, 0, 1, h ?? 0, m ?? 0);
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

function Spin(props: {
  label: string;
  value: number;
  max: number;
  bigStep: number;
  onChange: (value: number) => void;
}) {
  const [typed, setTyped] = useState('');
  const wrap = (n: number) => (n + props.max + 1) % (props.max + 1);
  const onKey = (e: KeyboardEvent) => {
    const set = (n: number) => {
      e.preventDefault();
      setTyped('');
      props.onChange(n);
    };
    if (e.key === 'ArrowUp') return set(wrap(props.value + 1));
    if (e.key === 'ArrowDown') return set(wrap(props.value - 1));
    if (e.key === 'PageUp') return set(wrap(props.value + props.bigStep));
    if (e.key === 'PageDown') return set(wrap(props.value - props.bigStep));
    if (e.key === 'Enter') {
      // As in a text field, Enter accepts the dialog.
      e.preventDefault();
      e.currentTarget.closest('form')?.requestSubmit();
      return;
    }
    if (e.key === 'Home') return set(0);
    if (e.key === 'End') return set(props.max);
    if (/^\d$/.test(e.key)) {
      e.preventDefault();
      // Two digits make a value; a first digit that cannot start a two-digit value stands alone.
      const next = typed + e.key;
      const n = Number(next);
      if (n > props.max) {
        setTyped(e.key);
        props.onChange(Number(e.key));
      } else {
        setTyped(next.length >= 2 || n * 10 > props.max ? '' : next);
        props.onChange(n);
      }
    }
  };
  return (
    <div className="spin">
      <button
        type="button"
        tabIndex={-1}
        aria-label={`One ${props.label.toLowerCase()} more`}
        onClick={() => props.onChange(wrap(props.value + 1))}
      >
        ▲
      </button>
      <div
        role="spinbutton"
        tabIndex={0}
        className="spin-value"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={props.max}
        aria-valuenow={props.value}
        aria-valuetext={pad(props.value)}
        onKeyDown={onKey}
        onBlur={() => setTyped('')}
      >
        {pad(props.value)}
      </div>
      <button
        type="button"
        tabIndex={-1}
        aria-label={`One ${props.label.toLowerCase()} less`}
        onClick={() => props.onChange(wrap(props.value - 1))}
      >
        ▼
      </button>
    </div>
  );
}

export function TimePicker(props: { label: string; value: string; onChange: (hhmm: string) => void }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [h, m] = props.value.split(':').map(Number);
  const [hour, setHour] = useState(h ?? 0);
  const [minute, setMinute] = useState(m ?? 0);
  return (
    <div className="picker">
      <button
        type="button"
        className="picker-row"
        aria-haspopup="dialog"
        onClick={() => {
          setHour(h ?? 0);
          setMinute(m ?? 0);
          setOpen(true);
        }}
      >
        <span className="picker-label" id={`${id}-label`}>
          {props.label}
        </span>{' '}
        <span className="picker-value">{localTime(props.value)}</span>
      </button>
      {open && (
        <Dialog
          title={props.label}
          onCancel={() => setOpen(false)}
          onAccept={() => {
            setOpen(false);
            props.onChange(`${pad(hour)}:${pad(minute)}`);
          }}
        >
          <div className="time-picker" role="group" aria-label={`${props.label}, 24-hour clock`}>
            <Spin label="Hour" value={hour} max={23} bigStep={6} onChange={setHour} />
            <span className="time-colon" aria-hidden="true">
              :
            </span>
            <Spin label="Minute" value={minute} max={59} bigStep={10} onChange={setMinute} />
          </div>
        </Dialog>
      )}
    </div>
  );
}
