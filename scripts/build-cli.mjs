// Builds the `qonduit` command into one ES module, packages/cli/dist/qonduit.mjs, so that it starts
// as fast as node itself: no TypeScript to transpile at run time (tsx took ~3 s per command).
// Runs from the root `prepare` script (so `npm ci` builds it) and from `npm run build`.
//
// Everything everyday commands need (commander, the SDK, the contract, core's token format) is
// bundled. The server, the database layer and core as the server uses it are left out: the
// commands that administer a server (`serve`, `migrate`, `keys ...`) load them at run time,
// through tsx, from their TypeScript sources (see packages/cli/src/admin/server-modules.ts).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CLI_DIST = `${root}packages/cli/dist`;
export const CLI_BUNDLE = `${CLI_DIST}/qonduit.mjs`;

/** Packages that only the server administration commands load, always with `import()`. */
const SERVER_SIDE = /^@qonduit\/(server|db|core)$/;

const serverSideStaysOut = {
  name: 'server-side-stays-out',
  setup(b) {
    // A dynamic import of a server-side package stays an import at run time. A static import of
    // core (the scanner's token format) is bundled; one of the server or db is a mistake that
    // would make every command load the server.
    b.onResolve({ filter: SERVER_SIDE }, (args) => {
      if (args.kind === 'dynamic-import') return { path: args.path, external: true };
      if (args.path === '@qonduit/core') return undefined;
      return { errors: [{ text: `${args.path} is imported statically by ${args.importer}; the CLI must load it with import() (server-modules.ts)` }] };
    });
    b.onResolve({ filter: /^tsx(\/|$)/ }, (args) => ({ path: args.path, external: true }));
  },
};

export async function buildCli({ outdir = CLI_DIST, logLevel = 'warning' } = {}) {
  const result = await build({
    entryPoints: [`${root}packages/cli/src/main.ts`],
    outdir,
    entryNames: 'qonduit',
    outExtension: { '.js': '.mjs' },
    // What a command loads with import() (the scanner, say) goes to its own chunk, loaded only
    // by that command, with the node built-ins it needs (node:crypto alone costs ~10 ms).
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Readable stack traces beat the millisecond that minifying would save.
    minify: false,
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel,
    plugins: [serverSideStaysOut],
    // Bundled CommonJS dependencies may call require(); give the module one.
    banner: { js: "import { createRequire as __qonduitRequire } from 'node:module'; const require = __qonduitRequire(import.meta.url);" },
  });
  // Each file is written beside its place and renamed into it, so that a `qonduit` started
  // during a rebuild (another test run, another terminal) reads either the old or the new one.
  for (const file of result.outputFiles) {
    mkdirSync(path.dirname(file.path), { recursive: true });
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  // Chunks of earlier builds (their names carry a content hash) go.
  const fresh = new Set(result.outputFiles.map((f) => f.path));
  const chunks = path.join(outdir, 'chunks');
  for (const name of existsSync(chunks) ? readdirSync(chunks) : []) {
    if (!fresh.has(path.join(chunks, name))) rmSync(path.join(chunks, name), { force: true });
  }
  return result;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { metafile } = await buildCli();
  const outputs = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs')).map(([, o]) => o);
  const entryBytes = outputs.find((o) => o.entryPoint)?.bytes ?? 0;
  const chunkCount = outputs.filter((o) => !o.entryPoint).length;
  console.log(`qonduit: built ${CLI_BUNDLE.slice(root.length)} (${Math.round(entryBytes / 1024)} KiB, and files for ${chunkCount} lazily loaded parts) in ${Math.round(performance.now() - started)} ms`);
}
