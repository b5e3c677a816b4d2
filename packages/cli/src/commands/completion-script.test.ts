import { describe, expect, it } from 'vitest';
import { createMachine } from '../testing';

describe('qonduit completion', () => {
  it('bash completes top-level commands, subcommands and their options', async () => {
    const machine = createMachine();
    try {
      const run = await machine.run(['completion', 'bash']);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/ {4}""\) echo "login logout whoami signup context contexts tokens provider-tokens providers orgs members invitations notices audit backends jobs scan 2fa serve migrate keys completion --version -V --url --help"/);
      expect(run.stdout).toContain('    "tokens") echo "list create revoke rotate self allow-ip --help"');
      expect(run.stdout).toContain('    "tokens create") echo "--name --scopes --expires-in --expires-at --org --personal-only --allow-ip --json --help"');
      expect(run.stdout).toContain('complete -o default -F _qonduit qonduit');
      const fish = await machine.run(['completion', 'fish']);
      expect(fish.stdout).toContain('complete -c qonduit -n "__fish_seen_subcommand_from jobs" -a "run"');
      expect((await machine.run(['completion', 'powershell'])).code).toBe(2);
    } finally {
      machine.cleanup();
    }
  });
});
