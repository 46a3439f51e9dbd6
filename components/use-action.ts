import { useState } from 'preact/hooks';
import { errorMessage } from '@/lib/errors';

export interface Action {
  /** True while an action runs (and after one succeeded, with `staysBusyOnSuccess`). */
  isBusy: boolean;
  /** Why the last action failed, until the next one starts. */
  error: string | null;
  setError(error: string | null): void;
  /** Runs `fn`, busy meanwhile; a failure's message goes to `error`. Resolves whether it succeeded. */
  run(fn: () => Promise<unknown>): Promise<boolean>;
}

/**
 * The busy/error state of a button that starts something asynchronous: disabled while it
 * runs, the failure's message shown after. `staysBusyOnSuccess` keeps it disabled after a
 * success, for an action whose success closes the component anyway.
 */
export function useAction(options: { staysBusyOnSuccess?: boolean } = {}): Action {
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      if (!options.staysBusyOnSuccess) setBusy(false);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
      return false;
    }
  };
  return { isBusy, error, setError, run };
}
