// What tools/bundle.ts hands to esbuild's `inject`: in the bundle, every free `Deno` identifier
// is this export, the Node.js shim (a file of its own, without doc tests: a doc test imports its
// module's exports, and an export named Deno would hide Deno's own namespace from it).
export { denoShim as Deno } from "./_bundle_deno_shim.ts";
