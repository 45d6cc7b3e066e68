/**
 * Monaco's workers start when they are let start. The TypeScript worker parses ~7 MB of script and
 * then Bun's declarations: started with the editor (Monaco starts it as the model is created), it
 * takes a core from the page's own start-up on a small machine. Held back until the editor can be
 * typed into and Bun's types are in place, it starts once, with them; the editor meanwhile colours
 * the code and takes keystrokes, and whatever asks a worker (a completion) waits for it.
 *
 * Monaco's `MonacoEnvironment.getWorker` may hand back a promise of the worker (monaco.d.ts,
 * `Environment.getWorker`); every message to it waits for that promise.
 */

/** Makes every worker Monaco asks for from now on wait for `until`; call once Monaco has loaded. */
export function holdMonacoWorkers(until: Promise<unknown>): void {
  const environment = globalThis.MonacoEnvironment;
  const create = environment?.getWorker?.bind(environment);
  if (!environment || !create) return;
  environment.getWorker = (workerId: string, label: string) =>
    until.then(
      () => create(workerId, label),
      () => create(workerId, label),
    );
}
