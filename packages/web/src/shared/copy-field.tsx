import { useState } from 'react';
import { Field } from './ui';

type CopyState = 'idle' | 'copied' | 'failed';

/** A secret shown once: selectable, with a copy button whose outcome is announced. */
export function CopyField({ label, value }: { label: string; value: string }) {
  const [state, setState] = useState<CopyState>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <Field label={label}>
      {(control) => (
        <>
          <div className="copy-field">
            <input {...control} className="input mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} spellCheck={false} autoComplete="off" />
            <button type="button" className="button button-primary" onClick={copy}>
              Copy
            </button>
          </div>
          <p className="field-hint" role="status">
            {state === 'copied' && 'Copied to the clipboard.'}
            {state === 'failed' && 'Could not copy: select the text and press Ctrl+C (⌘C on a Mac).'}
          </p>
        </>
      )}
    </Field>
  );
}
