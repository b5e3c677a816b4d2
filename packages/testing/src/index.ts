// Test harnesses shared by the SDK's, the CLI's and the web UI's tests: a real server on
// 127.0.0.1 and a fake /quantum API. A package of its own so that the SDK depends on the
// contract alone and ships no server.
export { startTestServer, testMasterKeyring } from './test-server';
export type { TestServer, TestServerOptions, TestUser } from './test-server';
export { addMember } from './members';
export { fakeBackend, startFakeQuantumServer } from './fake-quantum-server';
export type { FakeJobScript, FakeQuantumServer, RecordedRequest } from './fake-quantum-server';
