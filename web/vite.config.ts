// Build the client into the Python package, where the server serves it at `/`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "/",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "../src/agent_console/web/static",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
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
