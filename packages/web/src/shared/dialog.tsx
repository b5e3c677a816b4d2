import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ui';
import { useAction } from './use-async';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** Ends the dialog's body: its buttons. */
  footer?: ReactNode;
}

/**
 * A modal dialog on the native <dialog>: the browser keeps focus inside it, makes the page
 * behind inert, and closes it on Escape. Mounted means open; on close the focus goes back to
 * the control that opened it (or the page heading if that control is gone).
 */
export function Dialog({ title, onClose, children, footer }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.close();
      const target = opener?.isConnected ? opener : document.querySelector<HTMLElement>('h1[tabindex="-1"]');
      target?.focus();
    };
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </dialog>
  );
}

interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => Promise<void>;
  onClose: () => void;
  subject?: string;
}

/** "Are you sure?" for a change that cannot be undone; the API's refusal is shown inside it. */
export function ConfirmDialog({ title, children, confirmLabel, danger = false, onConfirm, onClose, subject }: ConfirmDialogProps) {
  const action = useAction();
  async function confirm() {
    const result = await action.run(onConfirm);
    if (result.ok) onClose();
  }
  return (
    <Dialog
      title={title}
      onClose={onClose}
      footer={
        <>
          {/* Cancel comes first and takes the focus: Enter on an open dialog must not destroy anything. */}
          <button type="button" className="button" onClick={onClose} autoFocus>
            Cancel
          </button>
          <button type="button" className={danger ? 'button button-danger' : 'button button-primary'} onClick={confirm} disabled={action.pending}>
            {action.pending ? 'Working…' : confirmLabel}
          </button>
        </>
      }
    >
      {children}
      <ErrorAlert error={action.error} context={subject ? { subject } : {}} />
    </Dialog>
  );
}
