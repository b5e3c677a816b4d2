import type { CSSProperties } from 'react';
import { initials } from '../../shared/initials';

// No provider's artwork is bundled (their marks are theirs): a coloured initial stands in,
// with a hue fixed per provider so that it is recognisable from page to page.
const HUES: Record<string, number> = { ibm: 215, ibm_cloud: 200, ionq: 265, aws_braket: 30, dwave: 190, aqt: 340, iqm: 150, azure_quantum: 205 };
// Initials alone would give Alpine Quantum Technologies and Azure Quantum the same mark.
const MARKS: Record<string, string> = { ibm: 'IBM', ibm_cloud: 'IC', ionq: 'Io', aws_braket: 'Br', dwave: 'DW', aqt: 'AQT', iqm: 'IQM', azure_quantum: 'Az' };

export function ProviderLogo({ id, name }: { id: string; name: string }) {
  // The hue only: styles.css picks the tint and ink for the light or dark theme.
  const style = { '--hue': String(HUES[id] ?? 240) } as CSSProperties;
  return (
    <span className="provider-logo" aria-hidden="true" style={style}>
      {MARKS[id] ?? initials(name)}
    </span>
  );
}
