/**
 * A trailing debounce: `fn` runs once, `waitMs` after the LAST call in a burst. (Not a throttle:
 * calls keep pushing the run back for as long as they keep coming.)
 */
export function createTrailingDebounce(fn: () => void, waitMs: number) {
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
