/**
 * PNG renderings of the report SVGs (resvg, at twice the SVG's size). Text uses the system's fonts,
 * DejaVu Sans when present; on a machine without fonts the labels are left out, the lines are not.
 */
import { Resvg } from "@resvg/resvg-js"

export const fromSvg = (svg: string): Uint8Array =>
  new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    fitTo: { mode: "zoom", value: 2 }
  }).render().asPng()
