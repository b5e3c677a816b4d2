// Test support, kept out of the production barrel: import from '@qonduit/runtime/testing'.
export { startFakeServer, closedPortUrl } from './testing/fake-server';
export type { FakeServer, RecordedRequest } from './testing/fake-server';
export { startFakeIonq } from './testing/fake-ionq';
export type { FakeIonq } from './testing/fake-ionq';
export { startFakeIbm } from './testing/fake-ibm';
export type { FakeIbm, FakeIbmOptions } from './testing/fake-ibm';
export { startFakeBraket } from './testing/fake-braket';
export type { FakeBraket, FakeBraketOptions } from './testing/fake-braket';
export { startFakeAqt } from './testing/fake-aqt';
export type { FakeAqt } from './testing/fake-aqt';
export { startFakeIqm } from './testing/fake-iqm';
export type { FakeIqm } from './testing/fake-iqm';
export { startFakeDwave } from './testing/fake-dwave';
