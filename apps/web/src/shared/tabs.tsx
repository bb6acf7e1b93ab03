/** A screen's sections as a row of large buttons; the current one is marked for screen readers. */
export function Tabs<S extends string>({ sections, current, label, onSelect }: { sections: Record<S, string>; current: S; label: string; onSelect: (section: S) => void }) {
  return (
    <nav aria-label={label} class="tabs">
      {(Object.keys(sections) as S[]).map((name) => (
        <button type="button" key={name} aria-current={current === name ? "page" : undefined} onClick={() => onSelect(name)}>
          {sections[name]}
        </button>
      ))}
    </nav>
  );
}
