// Build the client into the Python package, where the server serves it at `/`.
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/** V8's explicit compile hint on the session page's chunk (xterm.js): the browser compiles it
 * whole while it streams in, off the main thread, rather than function by function as a
 * terminal first calls them on the main thread (see bench/browser.py). */
const compileHint: Plugin = {
  name: "agent-console-compile-hint",
  generateBundle(_options, bundle) {
    for (const chunk of Object.values(bundle)) {
      if (chunk.type === "chunk" && chunk.facadeModuleId?.endsWith("/src/ui/SessionPage.tsx")) chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
    }
  },
};

export default defineConfig({
  base: "/",
  plugins: [compileHint],
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "../src/agent_console/web/static",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    manifest: true, // .vite/manifest.json: the server names the session page's chunk in its HTML (spa.py)
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `npm run dev` against a server started with `agent-console serve --port 3457`.
    proxy: {
      "/api": "http://127.0.0.1:3457",
      "/ws": { target: "ws://127.0.0.1:3457", ws: true },
    },
  },
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
