/**
 * The client controls' "Slow & flaky client" section: read at a set rate, stall for a while (or
 * until resumed), drop the connection after some bytes, or just be pausable from the lane's chip.
 * What it gives is a `ClientBehaviour`, or nothing for a client that reads at full speed.
 */

import { clientBehaviourCheck, parseByteSize, runCheck, type ClientBehaviour } from "../contract/index.ts";
import { byId } from "./dom.ts";

export type SlowControlsReading =
  | { ok: true; slow: ClientBehaviour | undefined }
  | { ok: false; field: HTMLInputElement; message: string };

export interface SlowClientControls {
  /** The behaviour the fields describe; a field that does not make sense is reported on itself. */
  read(): SlowControlsReading;
  /** Fills the fields from a request (an example's, or a recording's). */
  set(slow: ClientBehaviour | undefined): void;
  /** The browser's own EventSource cannot be slowed: the section is off for it. */
  setEnabled(enabled: boolean): void;
}

export function createSlowClientControls(): SlowClientControls {
  const section = byId("slow-client", HTMLDetailsElement);
  const rate = byId("client-read-rate", HTMLInputElement);
  const drop = byId("client-drop-after", HTMLInputElement);
  const stallAfter = byId("client-stall-after", HTMLInputElement);
  const stallFor = byId("client-stall-for", HTMLInputElement);
  const pausable = byId("client-pausable", HTMLInputElement);
  const fields = [rate, drop, stallAfter, stallFor];
  for (const field of fields) field.addEventListener("input", () => field.setCustomValidity(""));

  /** A size typed as people write them (`64KiB`, `1MB`), or a problem with the field. */
  function size(field: HTMLInputElement, what: string): number | undefined | { problem: string } {
    const text = field.value.trim();
    if (text === "") return undefined;
    const bytes = parseByteSize(text);
    return bytes === undefined ? { problem: `${what}: a number of bytes, such as 65536, 64KiB or 1MB` } : bytes;
  }

  const number = (field: HTMLInputElement) => (field.value.trim() === "" ? undefined : Number(field.value));

  return {
    read(): SlowControlsReading {
      const readRate = size(rate, "Read at most");
      if (typeof readRate === "object") return { ok: false, field: rate, message: readRate.problem };
      const dropAfter = size(drop, "Drop after");
      if (typeof dropAfter === "object") return { ok: false, field: drop, message: dropAfter.problem };
      const behaviour: ClientBehaviour = {};
      if (readRate !== undefined) behaviour.readBytesPerSecond = readRate;
      if (dropAfter !== undefined) behaviour.dropAfterBytes = dropAfter;
      const after = number(stallAfter);
      const length = number(stallFor);
      if (after !== undefined) behaviour.stallAfterMs = after;
      if (length !== undefined) behaviour.stallMs = length;
      if (Object.keys(behaviour).length === 0) return { ok: true, slow: pausable.checked ? {} : undefined };
      const checked = runCheck(clientBehaviourCheck, behaviour);
      if (!checked.ok)
        return {
          ok: false,
          field: checked.problem.startsWith("stallMs")
            ? stallFor
            : checked.problem.startsWith("readBytes")
              ? rate
              : stallAfter,
          message: checked.problem,
        };
      return { ok: true, slow: checked.value };
    },
    set(slow: ClientBehaviour | undefined): void {
      rate.value = slow?.readBytesPerSecond === undefined ? "" : String(slow.readBytesPerSecond);
      drop.value = slow?.dropAfterBytes === undefined ? "" : String(slow.dropAfterBytes);
      stallAfter.value = slow?.stallAfterMs === undefined ? "" : String(slow.stallAfterMs);
      stallFor.value = slow?.stallMs === undefined ? "" : String(slow.stallMs);
      pausable.checked = slow !== undefined;
      if (slow !== undefined) section.open = true;
    },
    setEnabled(enabled: boolean): void {
      for (const field of [...fields, pausable]) field.disabled = !enabled;
      section.title = enabled
        ? ""
        : "Only the host's clients (fetch stream, EventSource client, WebSocket) can be slowed";
    },
  };
}
