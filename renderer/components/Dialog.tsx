// A Sailfish dialog (Cancel and Accept in its header) that behaves as WAI-ARIA's modal dialog: the page
// behind is inert, Tab and Shift+Tab stay inside, Escape cancels from anywhere, Enter in a field
// accepts, and focus goes back to what opened it when it closes.
import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';

const focusable =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export function Dialog(props: {
  title: string;
  onCancel: () => void;
  onAccept: () => void;
  acceptDisabled?: boolean;
  acceptLabel?: string;
  /** Where focus starts; the first field when not given. */
  initialFocus?: RefObject<HTMLElement | null>;
  children: ReactNode;
}) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const root = document.getElementById('root');
    root?.setAttribute('inert', '');
    const start =
      latest.current.initialFocus?.current ??
      box.current?.querySelector<HTMLElement>('input, select, textarea, [role="spinbutton"]') ??
      box.current?.querySelector<HTMLElement>(focusable);
    start?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        latest.current.onCancel();
        return;
      }
      if (e.key !== 'Tab' || !box.current) return;
      const items = [...box.current.querySelectorAll<HTMLElement>(focusable)];
      if (items.length === 0) return;
      const first = items[0]!;
      const last = items[items.length - 1]!;
      const inside = box.current.contains(document.activeElement);
      if (e.shiftKey && (document.activeElement === first || !inside)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (document.activeElement === last || !inside)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      root?.removeAttribute('inert');
      opener?.focus();
    };
  }, []);

  return createPortal(
    <div className="dialog-backdrop">
      <div ref={box} role="dialog" aria-modal="true" aria-labelledby={titleId} className="dialog">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!props.acceptDisabled) props.onAccept();
          }}
          noValidate
        >
          <header className="dialog-header">
            <button type="button" onClick={props.onCancel}>
              Cancel
            </button>
            <h2 id={titleId}>{props.title}</h2>
            <button type="submit" className="accept" disabled={props.acceptDisabled}>
              {props.acceptLabel ?? 'Accept'}
            </button>
          </header>
          {props.children}
        </form>
      </div>
    </div>,
    document.body,
  );
}
