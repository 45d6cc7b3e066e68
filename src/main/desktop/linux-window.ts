/**
 * The Linux window's icon and class, which electrobun 1.18.1 gets wrong on its own: it looks for
 * the icon at `Resources/appIcon.png` relative to the working directory (the launcher runs in
 * `bin/`, so it never finds it), and it hard-codes WM_CLASS `ElectrobunKitchenSink-dev`, so
 * desktops match the window to no `.desktop` file (Electrobun's own says
 * `StartupWMClass=Stream Playground`).
 *
 * The icon goes through the native library's own `setWindowIcon`, which runs on the GTK thread.
 * WM_CLASS is set on the realized X window over a connection of our own: GTK's
 * `gtk_window_set_wmclass` is ignored once a window is realized, and Xlib calls on GTK's display
 * from this thread would race the GTK main loop.
 */

import { dlopen, FFIType, ptr, type Pointer } from "bun:ffi";
import { dirname, join } from "node:path";
import { errorMessage } from "../../contract/index.ts";

export interface LinuxWindowLook {
  /** The GtkWindow* Electrobun created (`BrowserWindow.ptr`). */
  window: Pointer;
  /** An absolute path to a PNG. */
  iconPath: string;
  /** WM_CLASS's instance and class names, e.g. `stream-playground` and `Stream Playground`. */
  instanceName: string;
  className: string;
}

/** NUL-terminated UTF-8, as C wants its strings. */
const cString = (text: string) => Buffer.from(`${text}\0`, "utf8");

function setIcon(window: Pointer, iconPath: string): void {
  // The library Electrobun loaded, from beside its Bun; dlopen hands back the same instance.
  const native = dlopen(join(dirname(process.execPath), "libNativeWrapper.so"), {
    setWindowIcon: { args: [FFIType.ptr, FFIType.cstring], returns: FFIType.void },
  });
  try {
    const path = cString(iconPath);
    native.symbols.setWindowIcon(window, ptr(path));
  } finally {
    native.close();
  }
}

/** The X window id of a realized GtkWindow. */
export function x11WindowOf(window: Pointer): bigint {
  const gtk = dlopen("libgtk-3.so.0", { gtk_widget_get_window: { args: [FFIType.ptr], returns: FFIType.ptr } });
  const gdk = dlopen("libgdk-3.so.0", { gdk_x11_window_get_xid: { args: [FFIType.ptr], returns: FFIType.u64 } });
  try {
    const gdkWindow = gtk.symbols.gtk_widget_get_window(window);
    if (gdkWindow === null) throw new Error("the window is not realized yet");
    return BigInt(gdk.symbols.gdk_x11_window_get_xid(gdkWindow));
  } finally {
    gtk.close();
    gdk.close();
  }
}

function setWindowClass(window: Pointer, instanceName: string, className: string): void {
  const x11 = dlopen("libX11.so.6", {
    XOpenDisplay: { args: [FFIType.ptr], returns: FFIType.ptr },
    XSetClassHint: { args: [FFIType.ptr, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
    XFlush: { args: [FFIType.ptr], returns: FFIType.i32 },
    XCloseDisplay: { args: [FFIType.ptr], returns: FFIType.i32 },
  });
  try {
    const xid = x11WindowOf(window);
    const display = x11.symbols.XOpenDisplay(null);
    if (display === null) throw new Error("cannot open the X display");
    try {
      const names = [cString(instanceName), cString(className)];
      // XClassHint is { char *res_name; char *res_class; }.
      const hint = new BigUint64Array(names.map((name) => BigInt(ptr(name))));
      x11.symbols.XSetClassHint(display, xid, ptr(hint));
      x11.symbols.XFlush(display);
    } finally {
      x11.symbols.XCloseDisplay(display);
    }
  } finally {
    x11.close();
  }
}

/** Gives the window its icon and class. Returns what could not be done, one sentence each; never throws. */
export function applyLinuxWindowLook(look: LinuxWindowLook): string[] {
  const problems: string[] = [];
  try {
    setIcon(look.window, look.iconPath);
  } catch (error) {
    problems.push(`the window icon was not set: ${errorMessage(error)}`);
  }
  try {
    setWindowClass(look.window, look.instanceName, look.className);
  } catch (error) {
    problems.push(`the window class was not set: ${errorMessage(error)}`);
  }
  return problems;
}
