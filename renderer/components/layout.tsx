// Sailfish's building blocks: page header on the right, section headers in the highlight colour,
// large rows that show a label and its value.
import { useEffect, useId, useRef, type ReactNode } from 'react';

/**
 * The page's title. When a page opens, focus moves to its heading (so a keyboard or screen reader
 * user starts at the top of the new page) and the window title names the page.
 */
export function PageHeader({ title, onBack }: { title: string; onBack?: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, []);
  useEffect(() => {
    document.title = title === 'Settings' ? 'Settings' : `${title} · Settings`;
  }, [title]);
  return (
    <header className="page-header">
      {onBack && (
        <button type="button" className="back" onClick={onBack} aria-label="Back" title="Back">
          ‹
        </button>
      )}
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
    </header>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <h2 className="section-header" id={id}>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function Hint({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p className="hint" id={id}>
      {children}
    </p>
  );
}

export function Info({ children }: { children: ReactNode }) {
  return <p className="info">{children}</p>;
}

export function ErrorText({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <p className="error" role="alert" id={id}>
      {children}
    </p>
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
