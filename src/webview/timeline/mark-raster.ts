export interface MarkRaster {
  /** Sizes the layer (device pixels) and clears it; marks are clipped to x ≥ left, y ≥ top (CSS). */
  begin(deviceWidth: number, deviceHeight: number, dpr: number, left: number, clipTopCss: number): void;
  /** Fills device pixels `[x0, x1) × [y0, y1)` (integers), clipped. */
  fill(x0: number, x1: number, y0: number, y1: number, colour: number): void;
  /**
   * The layer's pixels, for painters that write many pixels themselves: valid until the next
   * `begin`. Whoever writes rows `[y0, y1)` this way must `touch` them, and stay within the clip.
   */
  readonly surface: { pixels: Uint32Array; width: number; height: number; clipLeft: number; clipTop: number };
  /** Marks device rows `[y0, y1)` as changed, so `blit` copies them. */
  touch(y0: number, y1: number): void;
  /** A CSS colour as the layer's pixel value (RGBA bytes, little-endian). `alpha` multiplies it. */
  colour(css: string, alpha?: number): number;
  /** Fills `[x, x + w) × [y, y + h)`, at least one device pixel each way. */
  rect(x: number, y: number, w: number, h: number, colour: number): void;
  /** A diamond of radius `r` centred on `(cx, cy)`. */
  diamond(cx: number, cy: number, r: number, colour: number): void;
  /** A downward triangle with its flat side at `y`. */
  triangleDown(cx: number, y: number, halfWidth: number, colour: number): void;
  /** Copies what changed onto `ctx` (whose transform is reset for the copy). */
  blit(ctx: CanvasRenderingContext2D): void;
}

/**
 * A pixel layer the marks are drawn into directly, then blitted onto the canvas in one call.
 *
 * Why not canvas paths: with Chromium's software rasteriser (Chromium 156, `--disable-gpu`, as in
 * headless runs and some webviews), filling one path of many small shapes is superlinear in the
 * shape count: 5,000 diamonds in one path took ~120 ms to rasterise, 20,000 took ~1 s, and
 * 20,000 rects ~150 ms. Writing the same shapes into an ImageData costs ~5 ms however many there
 * are, and the marks are axis-aligned bars and small diamonds that need no anti-aliasing.
 *
 * Coordinates are CSS pixels; the layer works in device pixels.
 */

export function createMarkRaster(): MarkRaster {
  const layer = document.createElement("canvas");
  const layerContext = layer.getContext("2d");
  if (layerContext === null) throw new Error("this browser gives no 2D canvas context");
  const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
  let image: ImageData | undefined;
  let pixels = new Uint32Array(0);
  let width = 0;
  let height = 0;
  let scale = 1;
  let clipLeft = 0;
  let clipTop = 0;
  /** Device-pixel rows written this frame and last frame: what to clear and what to copy. */
  let top = Infinity;
  let bottom = -Infinity;
  let previousTop = Infinity;
  let previousBottom = -Infinity;
  const colours = new Map<string, number>();

  /** Fills device pixels `[x0, x1) × [y0, y1)`, clipped. */
  function fill(x0: number, x1: number, y0: number, y1: number, colour: number): void {
    const w = width;
    const a = Math.max(x0, clipLeft);
    const b = Math.min(x1, w);
    const c = Math.max(y0, clipTop);
    const d = Math.min(y1, height);
    if (b <= a || d <= c) return;
    touch(c, d);
    const px = pixels;
    if (b - a === 1) {
      for (let i = c * w + a, end = d * w + a; i < end; i += w) px[i] = colour;
      return;
    }
    for (let offset = c * w; offset < d * w; offset += w) {
      if (b - a > 8) px.fill(colour, offset + a, offset + b);
      else for (let i = offset + a; i < offset + b; i++) px[i] = colour;
    }
  }

  function touch(y0: number, y1: number): void {
    if (y0 < top) top = y0;
    if (y1 > bottom) bottom = y1;
  }

  return {
    begin(deviceWidth: number, deviceHeight: number, dpr: number, left: number, clipTopCss: number): void {
      if (deviceWidth !== width || deviceHeight !== height) {
        width = layer.width = Math.max(1, deviceWidth);
        height = layer.height = Math.max(1, deviceHeight);
        image = layerContext.createImageData(width, height);
        pixels = new Uint32Array(image.data.buffer);
        previousTop = 0;
        previousBottom = height;
      } else if (top < bottom) {
        pixels.fill(0, top * width, bottom * width);
      }
      if (top < bottom) {
        previousTop = Math.min(previousTop, top);
        previousBottom = Math.max(previousBottom, bottom);
      }
      top = Infinity;
      bottom = -Infinity;
      scale = dpr;
      clipLeft = Math.round(left * dpr);
      clipTop = Math.round(clipTopCss * dpr);
    },

    fill,

    get surface(): { pixels: Uint32Array; width: number; height: number; clipLeft: number; clipTop: number } {
      return { pixels, width, height, clipLeft, clipTop };
    },

    touch,

    colour(css: string, alpha = 1): number {
      const key = `${css}|${alpha}`;
      const known = colours.get(key);
      if (known !== undefined) return known;
      let value = 0xff000000;
      if (probe !== null) {
        probe.clearRect(0, 0, 1, 1);
        probe.fillStyle = css;
        probe.fillRect(0, 0, 1, 1);
        const [r = 0, g = 0, b = 0, a = 255] = probe.getImageData(0, 0, 1, 1).data;
        value = ((Math.round(a * alpha) << 24) | (b << 16) | (g << 8) | r) >>> 0;
      }
      colours.set(key, value);
      return value;
    },

    rect(x: number, y: number, w: number, h: number, colour: number): void {
      const x0 = Math.round(x * scale);
      const x1 = Math.round((x + w) * scale);
      const y0 = Math.round(y * scale);
      const y1 = Math.round((y + h) * scale);
      fill(x0, x1 > x0 ? x1 : x0 + 1, y0, y1 > y0 ? y1 : y0 + 1, colour);
    },

    diamond(cx: number, cy: number, r: number, colour: number): void {
      const x = Math.round(cx * scale);
      const y = Math.round(cy * scale);
      const radius = Math.max(1, Math.round(r * scale));
      for (let dy = -radius; dy <= radius; dy++) {
        const half = radius - Math.abs(dy);
        fill(x - half, x + half + 1, y + dy, y + dy + 1, colour);
      }
    },

    triangleDown(cx: number, y: number, halfWidth: number, colour: number): void {
      const x = Math.round(cx * scale);
      const y0 = Math.round(y * scale);
      const half = Math.max(1, Math.round(halfWidth * scale));
      for (let dy = 0; dy <= half; dy++) fill(x - half + dy, x + half - dy + 1, y0 + dy, y0 + dy + 1, colour);
    },

    blit(ctx: CanvasRenderingContext2D): void {
      if (image === undefined) return;
      const from = Math.max(0, Math.min(top, previousTop));
      const to = Math.min(height, Math.max(bottom, previousBottom));
      previousTop = Infinity;
      previousBottom = -Infinity;
      if (to <= from) return;
      layerContext.putImageData(image, 0, 0, 0, from, width, to - from);
      if (!(top < bottom)) return;
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(layer, 0, top, width, bottom - top, 0, top, width, bottom - top);
      ctx.restore();
    },
  };
}
