// report: one Report model, rendered as text (colour on a terminal) or JSON.
export * from "./text.js";
export * from "./json.js";
export * from "./color.js";
