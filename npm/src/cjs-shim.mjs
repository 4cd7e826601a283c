// Injected into the CommonJS build only: `import.meta.url` does not exist there, so
// scripts/build.mjs defines it as this value (the URL of dist/index.cjs itself).
// __filename and require are CommonJS globals (ESLint's node globals declare them).
export const importMetaUrl =
  typeof __filename === 'string'
    ? require('node:url').pathToFileURL(__filename).href
    : (typeof document === 'object' && document.currentScript?.src) || globalThis.location?.href;
