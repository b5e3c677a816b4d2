import type { NewToken } from '@qonduit/sdk';
import { useEffect, useRef } from 'react';
import { CopyField } from '../../shared/copy-field';

/** The secret, shown this once: after "Done" (or leaving the page) it cannot be seen again. */
export function NewTokenNotice({ token, rotated, onDone }: { token: NewToken; rotated: boolean; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [token.id]);
  return (
    <section className="alert alert-success new-token" aria-labelledby="new-token-title">
      <h2 id="new-token-title" ref={heading} tabIndex={-1}>
        {rotated ? `Token “${token.name}” rotated` : `Token “${token.name}” created`}
      </h2>
      <p className="warning-line">
        <strong>Copy it now: it will not be shown again.</strong> Store it like a password, in a password manager or your CI&apos;s secret store.
        {rotated && ' The previous token has stopped working.'}
      </p>
      <CopyField label="Your new personal access token" value={token.token} />
      <button type="button" className="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
