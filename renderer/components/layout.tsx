// Sailfish's building blocks: page header on the right, section headers in the highlight colour,
// large rows that show a label and its value.
import type { ReactNode } from 'react';

export function PageHeader({ title, onBack }: { title: string; onBack?: () => void }) {
  return (
    <header className="page-header">
      {onBack && (
        <button type="button" className="back" onClick={onBack} aria-label="Back">
          ‹
        </button>
      )}
      <h1>{title}</h1>
    </header>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2 className="section-header">{title}</h2>
      {children}
    </section>
  );
}

export function Hint({ children }: { children: ReactNode }) {
  return <p className="hint">{children}</p>;
}

export function Info({ children }: { children: ReactNode }) {
  return <p className="info">{children}</p>;
}

export function ErrorText({ children }: { children: ReactNode }) {
  return (
    <p className="error" role="alert">
      {children}
    </p>
  );
}

/** A Sailfish combo box: the label, then the current value in the highlight colour. */
export function ComboBox<T extends string>(props: {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange: (value: T) => void;
  description?: string;
  disabled?: boolean;
}) {
  const id = `combo-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div className="combo">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value as T)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {props.description && <Hint>{props.description}</Hint>}
    </div>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(value * 100)}
    >
      <div className="progress-fill" style={{ width: `${Math.round(value * 100)}%` }} />
    </div>
  );
}
