// `npm start` on a fresh checkout: build the web UI once if it is not built yet, so that
// `npm ci && npm start` serves the whole product. `npm run build` rebuilds it on purpose.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync(new URL('../packages/web/dist/index.html', import.meta.url))) {
  console.log('qonduit: building the web UI (first start)...');
  const result = spawnSync('npm', ['run', 'build', '-w', '@qonduit/web'], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('qonduit: the web UI did not build; the API starts without it');
  }
}
