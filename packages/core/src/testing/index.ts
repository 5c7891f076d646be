export { expectTensorClose, type Tolerance, type TensorLike } from './expect-tensor-close.js';
export { expectNoTensorLeak, type LeakOptions } from './expect-no-tensor-leak.js';
export { finiteDifferenceGradient, type FiniteDifferenceOptions } from './gradient-check.js';
export { testDataPath } from './test-data.js';
export { testEngineOptions } from './test-engine.js';
export { fakeHub, FAKE_HUB_URL, type FakeHub, type FakeHubOptions } from './fake-hub.js';
export { countNativeHandles, type NativeHandleCount } from './count-native-handles.js';
