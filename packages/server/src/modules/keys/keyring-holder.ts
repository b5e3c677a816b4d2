import type { MasterKeyring } from '@qonduit/core';

/**
 * The server's current master keyring. `qonduit keys rotate` changes the key file while
 * servers run: `changeMark` (the key file's modification time) tells when to read it again,
 * so new records use the new version at once; a record wrapped under a version this process
 * has not seen yet also makes it reload.
 */
export interface KeyringHolder {
  current(): MasterKeyring;
  reload(): MasterKeyring;
}

export function createKeyringHolder(load: () => MasterKeyring, changeMark: () => number = () => 0): KeyringHolder {
  let mark = changeMark();
  let keyring = load();
  const reload = () => {
    mark = changeMark();
    keyring = load();
    return keyring;
  };
  return {
    current: () => (changeMark() !== mark ? reload() : keyring),
    reload,
  };
}

export function fixedKeyring(keyring: MasterKeyring): KeyringHolder {
  return { current: () => keyring, reload: () => keyring };
}
