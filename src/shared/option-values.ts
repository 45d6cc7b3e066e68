/**
 * Command-line arguments before `node:util`'s `parseArgs` reads them. It takes a value that starts
 * with a dash for an option of its own, so `--duration -5` fails with its "argument is ambiguous"
 * message while `--duration=-5` reaches the command's own check; joined here, both forms get the
 * command's message (`--duration takes a non-negative number, not "-5"`).
 */

/** `argv` with each of `valueOptions` (long names, without `--`) joined to a negative number after it. */
export function joinNegativeValues(argv: readonly string[], valueOptions: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // After `--`, everything is a positional.
    if (arg === "--") {
      joined.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    if (arg.startsWith("--") && valueOptions.includes(arg.slice(2)) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
