import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { type Action, useAction } from '../../../components/use-action';

let root: HTMLElement;
let action: Action;

function Probe({ staysBusyOnSuccess }: { staysBusyOnSuccess?: boolean }) {
  action = useAction({ staysBusyOnSuccess });
  return null;
}

const mount = (staysBusyOnSuccess?: boolean) => {
  root = document.createElement('div');
  act(() => render(<Probe staysBusyOnSuccess={staysBusyOnSuccess} />, root));
};

/** A promise the test settles. */
function pending() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

afterEach(() => render(null, root));

describe('useAction', () => {
  it('is busy while the action runs and not after it succeeded', async () => {
    mount();
    const p = pending();
    let done!: Promise<boolean>;
    act(() => {
      done = action.run(() => p.promise);
    });
    expect(action.isBusy).toBe(true);
    await act(async () => {
      p.resolve();
      expect(await done).toBe(true);
    });
    expect(action.isBusy).toBe(false);
    expect(action.error).toBeNull();
  });

  it("shows a failure's message, and clears it when the next action starts", async () => {
    mount();
    await act(async () => {
      expect(await action.run(() => Promise.reject(new Error('The relay did not answer.')))).toBe(false);
    });
    expect(action).toMatchObject({ isBusy: false, error: 'The relay did not answer.' });
    const p = pending();
    act(() => void action.run(() => p.promise));
    expect(action.error).toBeNull();
    await act(async () => p.resolve());
  });

  it('says what a thrown non-error was', async () => {
    mount();
    await act(async () => void (await action.run(() => Promise.reject('offline'))));
    expect(action.error).toBe('offline');
  });

  it('stays busy after a success that closes the component, but not after a failure', async () => {
    mount(true);
    await act(async () => void (await action.run(async () => {})));
    expect(action.isBusy).toBe(true);
    await act(async () => void (await action.run(() => Promise.reject(new Error('no')))));
    expect(action).toMatchObject({ isBusy: false, error: 'no' });
  });
});
