/**
 * The message box of a WebSocket lane: type a message and send it (as text, or as binary written
 * in hex), or close the socket with a code and a reason. One box per lane, kept across redraws of
 * the chips, so what is typed in it survives another client connecting.
 */

import { element } from "./dom.ts";

export interface WsLaneBoxesOptions {
  /**
   * Send `text` on `lane`: as text, or as the bytes its hex digits spell when `hex`. Resolves false when it was
   * refused.
   */
  onSend: (lane: number, message: { text: string } | { hex: string }) => Promise<boolean>;
  /** Close `lane`'s socket. */
  onClose: (lane: number, code: number | undefined, reason: string) => void;
}

/** Hex digits in pairs (spaces and colons between them allowed), as the host reads them. */
export function isHex(text: string): boolean {
  const digits = text.replace(/^0x/i, "").replace(/[\s:]/g, "");
  return /^[0-9a-fA-F]*$/.test(digits) && digits.length % 2 === 0;
}

export interface WsLaneBoxes {
  /** The box for `lane`, the same element every time. */
  boxFor(lane: number): HTMLFormElement;
  /** Forgets the boxes of lanes not in `lanes` (their sockets closed). */
  keepOnly(lanes: readonly number[]): void;
}

export function createWsLaneBoxes(options: WsLaneBoxesOptions): WsLaneBoxes {
  const boxes = new Map<number, HTMLFormElement>();

  function create(lane: number): HTMLFormElement {
    const form = element("form", {
      class: "ws-box",
      "data-lane": String(lane),
      "aria-label": `Messages for client ${lane}`,
    });
    const message = element("input", {
      class: "ws-message",
      placeholder: "message",
      "aria-label": `Message to send on client ${lane}`,
      spellcheck: "false",
      autocomplete: "off",
    });
    const hex = element("input", {
      type: "checkbox",
      class: "ws-hex",
      "aria-label": `Send client ${lane}'s message as binary, written in hex`,
    });
    const hexLabel = element("label", {
      class: "ws-hex-label",
      title: "Binary: the message is hex digits, e.g. de ad be ef",
    });
    hexLabel.append(hex, " hex");
    const send = element("button", { type: "submit", class: "ws-send" }, "Send");
    const code = element("input", {
      type: "number",
      class: "ws-code",
      min: "1000",
      max: "4999",
      placeholder: "1000",
      "aria-label": `Close code for client ${lane}`,
    });
    const reason = element("input", {
      class: "ws-reason",
      placeholder: "reason",
      "aria-label": `Close reason for client ${lane}`,
      maxlength: "123",
    });
    const close = element("button", { type: "button", class: "ws-close" }, "Close");

    const checkHex = () =>
      message.setCustomValidity(
        hex.checked && !isHex(message.value) ? "two hex digits per byte, e.g. de ad be ef" : "",
      );
    message.addEventListener("input", checkHex);
    hex.addEventListener("change", checkHex);
    form.addEventListener("submit", (submit) => {
      submit.preventDefault();
      checkHex();
      if (!form.reportValidity()) return;
      const text = message.value;
      void options.onSend(lane, hex.checked ? { hex: text } : { text }).then((sent) => {
        // Cleared only once sent, so a refused message can be fixed and sent again.
        if (sent && message.value === text) message.value = "";
      });
    });
    close.addEventListener("click", () =>
      options.onClose(lane, code.value === "" ? undefined : Number(code.value), reason.value),
    );
    form.append(message, hexLabel, send, code, reason, close);
    return form;
  }

  return {
    boxFor(lane: number): HTMLFormElement {
      let box = boxes.get(lane);
      if (!box) {
        box = create(lane);
        boxes.set(lane, box);
      }
      return box;
    },
    keepOnly(lanes: readonly number[]): void {
      const live = new Set(lanes);
      for (const lane of boxes.keys()) if (!live.has(lane)) boxes.delete(lane);
    },
  };
}
