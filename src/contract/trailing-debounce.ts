/** One debounced call of `fn`. */
export interface TrailingDebounce {
  /** Runs `fn` `waitMs` from now, putting off a run already waiting. */
  call(): void;
  /** Drops the run that is waiting, if any. */
  cancel(): void;
  /** Whether a run is waiting. */
  readonly pending: boolean;
}

/**
 * A trailing debounce: `fn` runs once, `waitMs` after the LAST call in a burst. (Not a throttle:
 * calls keep pushing the run back for as long as they keep coming.)
 */
export function createTrailingDebounce(fn: () => void, waitMs: number): TrailingDebounce {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call(): void {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        fn();
      }, waitMs);
    },
    cancel(): void {
      clearTimeout(timer);
      timer = undefined;
    },
    get pending(): boolean {
      return timer !== undefined;
    },
  };
}
