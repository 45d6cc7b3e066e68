/**
 * The tabs over the bottom panels (Events, Requests, Raw stream, Message, Console): a click or the
 * arrow keys choose one, and only the chosen panel is shown.
 */

export interface PanelTabsOptions {
  /** A tab was chosen; its panel is shown. Hidden panels skip their work, so one may catch up now. */
  onChoose: (tabId: string) => void;
}

/** Wires the tabs; they need nothing from the page afterwards, so there is nothing to return. */
export function setupPanelTabs(options: PanelTabsOptions): void {
  const tabs = [...document.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const choose = (tab: HTMLButtonElement) => {
    for (const other of tabs) {
      const chosen = other === tab;
      other.setAttribute("aria-selected", String(chosen));
      other.tabIndex = chosen ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !chosen;
    }
    options.onChoose(tab.id);
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => choose(tab));
    tab.addEventListener("keydown", (key) => {
      if (key.key !== "ArrowRight" && key.key !== "ArrowLeft") return;
      const next = tabs[(index + (key.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length]!;
      next.focus();
      choose(next);
    });
  });
}
