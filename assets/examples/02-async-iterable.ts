// Any object with a [Symbol.asyncIterator]() method can be a response body: Bun asks it for an
// iterator and keeps calling next() until it says { done: true }. No generator syntax needed.

/** Counts down from `from` to liftoff, one line every `everyMs`. */
function countdown(from: number, everyMs: number): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<string> {
      let n = from;
      return {
        async next() {
          // Wait between lines, but not before the first one.
          if (n >= 0 && n < from) await Bun.sleep(everyMs);
          // Finished, or stopped by return() during the wait: unlike a generator, a hand-written
          // iterator can be asked to return() while a next() is still running.
          if (n < 0) return { done: true, value: undefined };
          const line = n === 0 ? "liftoff!\n" : `${n}...\n`;
          n--;
          return { done: false, value: line };
        },
        // Bun calls return() when the client leaves early: the place to stop whatever feeds the
        // iterator. Bun 1.4 also calls it after a normal end, so check whether anything is left.
        async return() {
          if (n >= 0) console.log(`countdown cancelled before ${n}`);
          n = -1;
          return { done: true, value: undefined };
        },
      };
    },
  };
}

export default {
  fetch() {
    return new Response(countdown(5, 300), { headers: { "content-type": "text/plain; charset=utf-8" } });
  },
};
