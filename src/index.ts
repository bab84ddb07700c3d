// The library API of tlsdoctor. Everything exported here is public and typed.
export * from "./core/index.js";
