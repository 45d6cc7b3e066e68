/**
 * Holds a Linux window open when the user asks to close it, and says so, so that the app can ask
 * about unsaved edits in the window that is still there. Electrobun 1.18.1 answers GTK's
 * `delete-event` by hiding the window and destroying it on the next idle turn, with no way to say
 * no; a question asked after that needs a new window and a page loaded again.
 *
 * Electrobun's handler is taken off the window's `delete-event`. In its place go two handlers, in
 * this order: one that tells this thread (a thread-safe callback, queued to this worker), then
 * GTK's own `gtk_true`, which keeps the window. (A thread-safe callback cannot answer, so what GTK
 * reads as its answer is undefined: either it stops there, keeping the window, or `gtk_true` does.) A close the app decides on later goes through
 * Electrobun's `close()`, which destroys the window without a `delete-event`.
 */

import { dlopen, FFIType, JSCallback, ptr, type Pointer } from "bun:ffi";

export interface CloseRequests {
  /** Frees the callback; for once the window is gone (GTK drops a destroyed window's handlers). */
  dispose(): void;
}

/** A function's address in a shared library (`dlopen` and `dlsym`, as C would ask). */
function addressOf(library: string, name: string) {
  const libc = dlopen("libc.so.6", {
    dlopen: { args: [FFIType.cstring, FFIType.i32], returns: FFIType.ptr },
    dlsym: { args: [FFIType.ptr, FFIType.cstring], returns: FFIType.ptr },
  });
  const cString = (text: string) => ptr(Buffer.from(`${text}\0`, "utf8"));
  const handle = libc.symbols.dlopen(cString(library), rtldLazy);
  const address = handle === null ? null : libc.symbols.dlsym(handle, cString(name));
  if (address === null) throw new Error(`${name} was not found in ${library}`);
  return address;
}

/** `RTLD_LAZY`: resolve symbols as they are used. */
const rtldLazy = 1;

/** `G_SIGNAL_MATCH_ID`: match handlers by signal id alone. */
const matchById = 1;

/**
 * Makes a window's close button call `onCloseRequest` instead of closing it. Throws, changing
 * nothing, when the window has no `delete-event` handler (not a window Electrobun 1.18.1 made).
 */
export function holdCloseRequests(window: Pointer, onCloseRequest: () => void): CloseRequests {
  const gtk = dlopen("libgtk-3.so.0", { gtk_widget_get_type: { args: [], returns: FFIType.u64 } });
  const gobject = dlopen("libgobject-2.0.so.0", {
    g_signal_lookup: { args: [FFIType.cstring, FFIType.u64], returns: FFIType.u32 },
    g_signal_handler_find: {
      args: [FFIType.ptr, FFIType.i32, FFIType.u32, FFIType.u32, FFIType.ptr, FFIType.ptr, FFIType.ptr],
      returns: FFIType.u64,
    },
    g_signal_handler_disconnect: { args: [FFIType.ptr, FFIType.u64], returns: FFIType.void },
    g_signal_connect_data: {
      args: [FFIType.ptr, FFIType.cstring, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.i32],
      returns: FFIType.u64,
    },
  });
  const name = Buffer.from("delete-event\0", "utf8");
  const signal = gobject.symbols.g_signal_lookup(ptr(name), gtk.symbols.gtk_widget_get_type());
  if (signal === 0) throw new Error("GTK has no delete-event signal");
  const electrobuns = gobject.symbols.g_signal_handler_find(window, matchById, signal, 0, null, null, null);
  if (!electrobuns) throw new Error("the window has no delete-event handler to replace");
  const keepOpen = addressOf("libgtk-3.so.0", "gtk_true");
  const notify = new JSCallback(() => onCloseRequest(), {
    args: [FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.void,
    threadsafe: true,
  });
  gobject.symbols.g_signal_handler_disconnect(window, electrobuns);
  gobject.symbols.g_signal_connect_data(window, ptr(name), notify.ptr, null, null, 0);
  gobject.symbols.g_signal_connect_data(window, ptr(name), keepOpen, null, null, 0);
  return { dispose: () => notify.close() };
}
