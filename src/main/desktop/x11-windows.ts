/**
 * The few Xlib calls the desktop app needs to put its dialogs under its window: list the top-level
 * windows, read a window's `_NET_WM_PID`, set `WM_TRANSIENT_FOR`. Each caller opens its own
 * display connection, since Xlib connections are not shared across threads.
 */

import { dlopen, FFIType, ptr, read, toArrayBuffer, type Pointer } from "bun:ffi";

const x11 = dlopen("libX11.so.6", {
  XOpenDisplay: { args: [FFIType.ptr], returns: FFIType.ptr },
  XCloseDisplay: { args: [FFIType.ptr], returns: FFIType.i32 },
  XDefaultRootWindow: { args: [FFIType.ptr], returns: FFIType.u64 },
  XQueryTree: {
    args: [FFIType.ptr, FFIType.u64, FFIType.ptr, FFIType.ptr, FFIType.ptr, FFIType.ptr],
    returns: FFIType.i32,
  },
  XInternAtom: { args: [FFIType.ptr, FFIType.cstring, FFIType.i32], returns: FFIType.u64 },
  XGetWindowProperty: {
    args: [
      FFIType.ptr,
      FFIType.u64,
      FFIType.u64,
      FFIType.i64,
      FFIType.i64,
      FFIType.i32,
      FFIType.u64,
      FFIType.ptr,
      FFIType.ptr,
      FFIType.ptr,
      FFIType.ptr,
      FFIType.ptr,
    ],
    returns: FFIType.i32,
  },
  XSetTransientForHint: { args: [FFIType.ptr, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
  XFlush: { args: [FFIType.ptr], returns: FFIType.i32 },
  XFree: { args: [FFIType.ptr], returns: FFIType.i32 },
});

/** XA_CARDINAL, the type of `_NET_WM_PID`. */
const cardinal = 6n;

export interface X11Display {
  /** The top-level windows, bottom to top. */
  topLevels(): bigint[];
  /** A window's `_NET_WM_PID`, or undefined when it has none (yet). */
  pidOf(window: bigint): number | undefined;
  /** Marks `window` as a dialog of `parent` (ICCCM 4.1.2.6). */
  setTransientFor(window: bigint, parent: bigint): void;
  close(): void;
}

/** Opens a connection to `$DISPLAY`; throws when there is none. */
export function openX11Display(): X11Display {
  const display = x11.symbols.XOpenDisplay(null);
  if (display === null) throw new Error("cannot open the X display");
  const root = x11.symbols.XDefaultRootWindow(display);
  const pidAtom = x11.symbols.XInternAtom(display, Buffer.from("_NET_WM_PID\0"), 0);
  return {
    topLevels() {
      const rootOut = new BigUint64Array(1);
      const parentOut = new BigUint64Array(1);
      const childrenOut = new BigUint64Array(1);
      const countOut = new Uint32Array(1);
      if (x11.symbols.XQueryTree(display, root, ptr(rootOut), ptr(parentOut), ptr(childrenOut), ptr(countOut)) === 0)
        return [];
      const count = countOut[0]!;
      const children = Number(childrenOut[0]) as Pointer;
      if (count === 0 || !children) return [];
      const list = [...new BigUint64Array(toArrayBuffer(children, 0, count * 8))];
      x11.symbols.XFree(children);
      return list;
    },
    pidOf(window) {
      const typeOut = new BigUint64Array(1);
      const formatOut = new Int32Array(1);
      const itemsOut = new BigUint64Array(1);
      const afterOut = new BigUint64Array(1);
      const dataOut = new BigUint64Array(1);
      const status = x11.symbols.XGetWindowProperty(
        display,
        window,
        pidAtom,
        0,
        1,
        0,
        cardinal,
        ptr(typeOut),
        ptr(formatOut),
        ptr(itemsOut),
        ptr(afterOut),
        ptr(dataOut),
      );
      const data = Number(dataOut[0]) as Pointer;
      if (status !== 0 || !data) return undefined;
      // Format 32 properties come back as C longs: 8 bytes on 64-bit Linux.
      const pid = itemsOut[0]! > 0n ? Number(read.u64(data, 0)) : undefined;
      x11.symbols.XFree(data);
      return pid;
    },
    setTransientFor(window, parent) {
      x11.symbols.XSetTransientForHint(display, window, parent);
      x11.symbols.XFlush(display);
    },
    close() {
      x11.symbols.XCloseDisplay(display);
    },
  };
}
