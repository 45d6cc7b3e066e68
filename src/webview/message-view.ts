/**
 * The Message panel: a lane's stream read through its protocol's lens (OpenAI, Anthropic, Gemini,
 * the AI SDK, MCP, Ollama, or the user's own rule for another JSON stream), as the protocol's client
 * would assemble it. The text grows with the timeline's cursor: with an event selected, what had
 * arrived by then is drawn plain and the rest faded. Beside it, the timing (first token, gaps, the
 * stall a reader would notice, speed), the tool calls with their arguments, and each protocol
 * violation, which selects the event where it happened. The stall and the violations are also
 * marked on the lane's client row in the timeline.
 */

import { type ClientRequest, formatCount, type TimelineEvent } from "../contract/index.ts";
import {
  createLensReader,
  describeTiming,
  type LensReader,
  type LensReading,
  lensProtocolNames,
} from "../lenses/index.ts";
import { appendVisible, element, setText } from "./dom.ts";
import type { EventStore } from "./event-store.ts";
import type { LensLaneMarks } from "./timeline/index.ts";

/** Text with `code` in backticks, as the lenses write names: the code parts as `<code>`. */
function withCode(text: string): (string | HTMLElement)[] {
  return text.split("`").map((part, i) => (i % 2 === 1 ? element("code", {}, part) : part));
}

/** A stream still arriving is redrawn at most this often. */
const redrawMs = 150;
/** Past this many deltas the text is drawn as two runs (before and after the cursor), not a span per delta. */
const maxDeltaSpans = 4_000;

export interface MessageViewOptions {
  /** The request a lane was opened with, when the page knows it (its body, its lens rule). */
  requestOf: (lane: number) => ClientRequest | undefined;
  /** Selects the lane's event at `t`: the one a violation happened at. */
  onSelectAt: (lane: number, t: number) => void;
  /** The lanes' stalls and violations, for the timeline to mark. */
  onMarks: (marks: LensLaneMarks[]) => void;
  /** The panel's tab, to say which protocol it reads. */
  tab: HTMLElement;
  /** The user gave a lane a rule: the next lanes take it too. */
  onRule: (rule: string | undefined) => void;
}

export interface MessageView {
  /** Draws the chosen lane now (nothing while the panel is hidden). */
  show(): void;
  /** The timeline's cursor: the selected event, or undefined for the whole message. */
  setCursor(event: TimelineEvent | undefined): void;
  /**
   * The requests of these lanes are known now: a lane whose first events came before its request
   * did is read again, with the request's rule and body.
   */
  requestsKnown(lanes: readonly number[]): void;
}

interface Lane {
  reader: LensReader;
  rule: string | undefined;
}

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : formatCount(Math.round(value))} ms`;

export function createMessageView(container: HTMLElement, store: EventStore, options: MessageViewOptions): MessageView {
  const picker = element("select", { "aria-label": "Client lane for the message" });
  const rule = element("input", {
    "aria-label": "Where the text is in each JSON payload",
    placeholder: "$.choices[0].delta.content",
    spellcheck: "false",
    class: "message-rule",
  });
  const note = element("span", { class: "message-note" });
  const bar = element("div", { class: "message-bar" });
  bar.append(element("label", {}, "Client "), picker, element("label", {}, "text at "), rule, note);
  const body = element("div", {
    class: "message-body",
    tabindex: "0",
    role: "document",
    "aria-label": "Assembled message",
  });
  container.append(bar, body);

  const lanes = new Map<number, Lane>();
  let cursor: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let marksTimer: ReturnType<typeof setTimeout> | undefined;

  const ruleOf = (lane: number) => options.requestOf(lane)?.lens;

  function readerFor(lane: number, ruleText: string | undefined): LensReader {
    return createLensReader({ rule: ruleText, requestBody: options.requestOf(lane)?.body });
  }

  function laneOf(number: number): Lane {
    let lane = lanes.get(number);
    if (!lane) {
      const ruleText = ruleOf(number);
      lane = { reader: readerFor(number, ruleText), rule: ruleText };
      lanes.set(number, lane);
      picker.append(element("option", { value: String(number) }, `#${number}`));
    }
    return lane;
  }

  /** Reads a lane again from the store: its rule changed. */
  function reread(number: number, ruleText: string | undefined): void {
    const lane = laneOf(number);
    lane.rule = ruleText;
    lane.reader = readerFor(number, ruleText);
    for (const event of store.events) if (event.lane === number && event.side === "client") lane.reader.push(event);
  }

  function publishMarks(): void {
    marksTimer = undefined;
    const marks: LensLaneMarks[] = [];
    for (const [number, lane] of lanes) {
      if (lane.reader.protocol === undefined) continue;
      const reading = lane.reader.reading();
      if (reading) marks.push({ lane: number, stall: reading.timing.stall, violations: reading.violations });
    }
    options.onMarks(marks);
  }

  /** A lane the user picked (in the menu, or by selecting one of its events); until then the newest is shown. */
  let picked: number | undefined;

  /** The lane to show: the one picked, else the newest a lens reads. */
  function chosen(): number | undefined {
    if (picked !== undefined && lanes.has(picked)) return picked;
    return [...lanes.keys()].findLast((number) => lanes.get(number)!.reader.protocol !== undefined);
  }

  function stat(list: HTMLElement, name: string, value: string, title?: string): void {
    const item = element("div", title === undefined ? {} : { title });
    item.append(element("dt", {}, name), element("dd", {}, value));
    list.append(item);
  }

  /** Text and reasoning as they grew: what had come by the cursor plain, the rest faded. */
  function drawText(parent: HTMLElement, reading: LensReading, channel: "text" | "reasoning", requestT: number): void {
    const deltas = reading.deltas.filter((delta) => delta.channel === channel);
    if (deltas.length > maxDeltaSpans || cursor === undefined) {
      const split = cursor === undefined ? deltas.length : deltas.findIndex((delta) => delta.t > cursor!);
      const cut = split === -1 ? deltas.length : split;
      const before = element("span", {});
      appendVisible(
        before,
        deltas
          .slice(0, cut)
          .map((delta) => delta.text)
          .join(""),
      );
      parent.append(before);
      if (cut < deltas.length) {
        parent.append(element("span", { class: "message-caret", "aria-hidden": "true" }));
        const after = element("span", { class: "message-later" });
        appendVisible(
          after,
          deltas
            .slice(cut)
            .map((delta) => delta.text)
            .join(""),
        );
        parent.append(after);
      }
      return;
    }
    let caret = false;
    for (const delta of deltas) {
      const later = delta.t > cursor;
      if (later && !caret) {
        parent.append(element("span", { class: "message-caret", "aria-hidden": "true" }));
        caret = true;
      }
      const span = element("span", {
        class: later ? "message-delta message-later" : "message-delta",
        title: `+${ms(delta.t - requestT)} after the request`,
      });
      appendVisible(span, delta.text);
      parent.append(span);
    }
  }

  function draw(number: number | undefined): void {
    body.replaceChildren();
    const lane = number === undefined ? undefined : lanes.get(number);
    const reading = lane?.reader.reading();
    if (number !== undefined && picker.value !== String(number)) picker.value = String(number);
    if (lane) rule.value = lane.rule ?? "";
    setText(note, lane?.reader.ruleError ?? "");
    setText(options.tab, reading ? `Message · ${lensProtocolNames[reading.protocol]}` : "Message");
    if (!reading) {
      body.append(
        element(
          "p",
          { class: "message-empty" },
          lanes.size === 0
            ? "No client has read a stream yet. Connect one to an LLM or agent endpoint (OpenAI, Anthropic, Gemini, the AI SDK, MCP, Ollama): its message shows here as the protocol's client assembles it."
            : "This lane's stream is not one of the protocols a lens knows (OpenAI, Anthropic, Gemini, the AI SDK, MCP, Ollama). For another JSON stream, say where the text is, such as $.choices[0].delta.content or $.token.",
        ),
      );
      return;
    }
    const requestT = reading.timing.requestT ?? reading.deltas[0]?.t ?? 0;
    const state = reading.complete
      ? { text: "complete", tone: "ok" }
      : reading.ended
        ? { text: "ended without its terminator", tone: "error" }
        : { text: "streaming…", tone: "muted" };
    const head = element("p", { class: "message-head" });
    head.append(
      element("strong", {}, lensProtocolNames[reading.protocol]),
      " · recognised by ",
      ...withCode(reading.recognisedBy),
      `${reading.model ? ` · model ${reading.model}` : ""} · `,
      element("span", { class: `message-state message-${state.tone}` }, state.text),
    );
    body.append(head);

    const stats = element("dl", { class: "message-stats", "aria-label": "Timing", title: describeTiming(reading) });
    const { timing } = reading;
    if (timing.firstTokenMs !== undefined)
      stat(stats, "first token", ms(timing.firstTokenMs), "from the request to the first text");
    stat(stats, "deltas", formatCount(timing.deltas));
    if (timing.gapP50Ms !== undefined) stat(stats, "gap p50", ms(timing.gapP50Ms));
    if (timing.gapP95Ms !== undefined) stat(stats, "gap p95", ms(timing.gapP95Ms));
    if (timing.stall)
      stat(
        stats,
        "longest stall",
        `${ms(timing.stall.ms)} at +${ms(timing.stall.t - requestT)}`,
        "the longest gap between deltas",
      );
    if (timing.tokensPerSecond !== undefined) stat(stats, "tokens/s", String(timing.tokensPerSecond));
    else if (timing.charsPerSecond !== undefined) stat(stats, "chars/s", String(timing.charsPerSecond));
    if (reading.finishReason) stat(stats, "finish", reading.finishReason);
    if (reading.usage)
      stat(
        stats,
        "usage",
        Object.entries(reading.usage)
          .map(([name, count]) => `${name} ${count}`)
          .join(", "),
      );
    if (reading.sessionId) stat(stats, "session", reading.sessionId);
    if (reading.resumptions) stat(stats, "resumed", `${reading.resumptions}×`, "reconnects that sent Last-Event-ID");
    body.append(stats);

    if (reading.reasoning) {
      const details = element("details", { class: "message-reasoning", open: "" });
      details.append(element("summary", {}, `Reasoning (${formatCount(reading.reasoning.length)} characters)`));
      const text = element("div", { class: "message-text" });
      drawText(text, reading, "reasoning", requestT);
      details.append(text);
      body.append(details);
    }
    const text = element("div", { class: "message-text", "aria-label": "Assembled text" });
    if (reading.text === "" && reading.toolCalls.length === 0 && !reading.rpc?.length)
      text.append(element("span", { class: "message-later" }, "(no text yet)"));
    drawText(text, reading, "text", requestT);
    body.append(text);

    if (reading.toolCalls.length > 0) {
      const list = element("ol", { class: "message-tools", "aria-label": "Tool calls" });
      for (const call of reading.toolCalls) {
        const item = element("li", {});
        const later = cursor !== undefined && call.t > cursor;
        if (later) item.classList.add("message-later");
        item.append(element("strong", {}, call.name || "(unnamed)"), call.id ? ` ${call.id}` : "");
        const args = element("pre", {});
        args.textContent =
          call.arguments !== undefined
            ? JSON.stringify(call.arguments, null, 2)
            : call.argumentsText || "(no arguments yet)";
        item.append(args);
        if (call.argumentsError)
          item.append(element("p", { class: "message-error" }, `arguments are not JSON: ${call.argumentsError}`));
        if (call.output !== undefined)
          item.append(element("pre", { class: "message-output" }, `→ ${JSON.stringify(call.output)}`));
        list.append(item);
      }
      body.append(list);
    }

    if (reading.rpc?.length) {
      const list = element("ol", { class: "message-rpc", "aria-label": "JSON-RPC messages" });
      for (const message of reading.rpc) {
        const item = element(
          "li",
          cursor !== undefined && message.t > cursor ? { class: "message-later" } : {},
          `${message.type} ${message.method ?? (message.answers ? `answering ${message.answers}` : "")}${message.id === undefined ? "" : ` · id ${message.id}`}${message.eventId ? ` · event ${message.eventId}` : ""}`,
        );
        item.title = JSON.stringify(message.value);
        list.append(item);
      }
      body.append(list);
    }

    const violations = element("ul", { class: "message-violations", "aria-label": "Protocol violations" });
    for (const violation of reading.violations) {
      const button = element("button", { type: "button", class: "message-violation" });
      button.append(
        element("strong", {}, violation.rule),
        " ",
        ...withCode(violation.message),
        " ",
        element("span", { class: "message-when" }, `+${ms(violation.t - requestT)}`),
      );
      button.addEventListener("click", () => options.onSelectAt(number!, violation.t));
      const item = element("li", {});
      item.append(button);
      violations.append(item);
    }
    if (reading.violations.length === 0 && reading.ended)
      violations.append(element("li", { class: "message-ok" }, "No protocol violations."));
    body.append(violations);
  }

  function show(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (container.hidden) return;
    draw(chosen());
  }

  picker.addEventListener("change", () => {
    picked = Number(picker.value);
    show();
  });
  rule.addEventListener("change", () => {
    const number = chosen();
    if (number === undefined) return;
    const text = rule.value.trim();
    reread(number, text === "" ? undefined : text);
    options.onRule(text === "" ? undefined : text);
    show();
    publishMarks();
  });

  store.subscribe({
    appended(from) {
      let changed = false;
      for (let i = from; i < store.events.length; i++) {
        const event = store.events[i]!;
        if (event.side !== "client" || event.lane <= 0) continue;
        laneOf(event.lane).reader.push(event);
        changed = true;
      }
      if (!changed) return;
      timer ??= setTimeout(show, redrawMs);
      if (marksTimer === undefined) marksTimer = setTimeout(publishMarks, redrawMs);
    },
    cleared() {
      lanes.clear();
      picker.replaceChildren();
      cursor = undefined;
      picked = undefined;
      options.onMarks([]);
      // Drawn only while the tab is shown, so its name is reset here: no lane is read now.
      options.tab.textContent = "Message";
      show();
    },
  });

  return {
    show,
    requestsKnown(known) {
      const again = new Map<number, Lane>();
      for (const number of known) {
        const lane = lanes.get(number);
        if (!lane) continue;
        lane.rule = ruleOf(number);
        lane.reader = readerFor(number, lane.rule);
        again.set(number, lane);
      }
      if (again.size === 0) return;
      // One pass over the store for all of them: they have just connected, so they have few events.
      for (const event of store.events) if (event.side === "client") again.get(event.lane)?.reader.push(event);
      show();
      publishMarks();
    },
    setCursor(event) {
      cursor = event?.t;
      if (
        event &&
        event.side === "client" &&
        lanes.has(event.lane) &&
        lanes.get(event.lane)!.reader.protocol !== undefined
      )
        picked = event.lane;
      show();
    },
  };
}
