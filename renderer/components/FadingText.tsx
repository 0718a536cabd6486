// A long name that does not fit fades out at its end, as Sailfish draws it, instead of being cut to "…".
import { useEffect, useRef, useState } from 'react';

export function FadingText({ text, className }: { text: string; className?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  const [overflows, setOverflows] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setOverflows(element.scrollWidth > element.clientWidth + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [text]);
  return (
    <span ref={ref} className={`fading${overflows ? ' overflows' : ''}${className ? ` ${className}` : ''}`}>
      {text}
    </span>
  );
}
