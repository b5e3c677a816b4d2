import type { Reporter, TestModule } from 'vitest/node';

// Says how many tests ran on each database (the issue asks for it), and ends with the plain
// "N passed, N failed" line that CI reads.
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const byProject = new Map<string, { passed: number; failed: number; skipped: number }>();
    for (const mod of testModules) {
      const name = mod.project.name || 'default';
      const row = byProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') row.passed++;
        else if (state === 'failed') row.failed++;
        else row.skipped++;
      }
      if (mod.state() === 'failed' && mod.children.size === 0) row.failed++;
      byProject.set(name, row);
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    console.log('\nTests by project (database):');
    for (const [name, row] of [...byProject].sort()) {
      console.log(`  ${name.padEnd(9)} ${row.passed} passed, ${row.failed} failed, ${row.skipped} skipped`);
      passed += row.passed;
      failed += row.failed;
      skipped += row.skipped;
    }
    console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
