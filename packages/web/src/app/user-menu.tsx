import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { initials } from '../shared/initials';
import { PATHS } from './paths';
import { Link, usePath } from './router';
import { useSession } from './session';

/**
 * The user menu in the top right corner: where Settings lives. A disclosure (button + list of
 * links), which keyboards and screen readers handle without a custom menu role; Escape closes
 * it and returns the focus to its button.
 */
export function UserMenu() {
  const { user, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const settingsId = useId();
  const path = usePath();

  useEffect(() => setOpen(false), [path]);

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>('a, button')?.focus();
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape' && open) {
      setOpen(false);
      button.current?.focus();
    }
  }

  async function doSignOut() {
    setSigningOut(true);
    await signOut();
  }

  return (
    <div className="user-menu" onKeyDown={onKeyDown}>
      <button ref={button} type="button" className="avatar-button" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)} title={user.name}>
        <span className="avatar" aria-hidden="true">
          {initials(user.name)}
        </span>
        <span className="visually-hidden">User menu</span>
      </button>
      <div ref={panel} id={panelId} className="user-menu-panel" hidden={!open}>
        <div className="user-menu-who">
          <strong>{user.name}</strong>
          <span>{user.email}</span>
        </div>
        {/* The README's "Settings → Personal access tokens": a group named Settings, then its pages. */}
        <p className="user-menu-heading" id={settingsId}>
          Settings
        </p>
        <ul aria-labelledby={settingsId}>
          <li>
            <Link to={PATHS.tokens}>Personal access tokens</Link>
          </li>
          <li>
            <Link to={PATHS.providerTokens}>Provider access tokens</Link>
          </li>
          <li>
            <Link to={PATHS.organizations}>Organizations</Link>
          </li>
          <li>
            <Link to={PATHS.auditLog}>Audit log</Link>
          </li>
        </ul>
        <ul className="user-menu-more">
          <li>
            {/* The server's own page, not one of the app's: a full page load. */}
            <a href="/docs">API reference</a>
          </li>
        </ul>
        <button type="button" className="button button-block" onClick={doSignOut} disabled={signingOut}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </div>
    </div>
  );
}
