import { loadConfig } from '../../src/config';

// The audience of the emulator's GA callback JWTs; callhook's JWT check defaults to the same value.
test('EMULATOR_RESOURCE_ID defaults to the emulator resource id and is validated', () => {
  expect(loadConfig({}).emulator.resourceId).toBe('00000000-0000-0000-0000-00000000ac5e');
  expect(loadConfig({ EMULATOR_RESOURCE_ID: '1f2e3d4c-0000-4000-8000-000000000001' }).emulator.resourceId).toBe('1f2e3d4c-0000-4000-8000-000000000001');
  expect(() => loadConfig({ EMULATOR_RESOURCE_ID: 'not an id!' })).toThrow(/EMULATOR_RESOURCE_ID/);
});
