import { describe, expect, it } from 'vitest';
import { ConfigError, defaultConfig, parseConfig } from '../../hwgen/index.ts';

describe('hardware config validation', () => {
  it('fills defaults for missing keys', () => {
    expect(parseConfig({ peArray: { lanes: 4 } }).peArray).toEqual({ ...defaultConfig().peArray, lanes: 4 });
    expect(parseConfig({})).toEqual(defaultConfig());
  });
  it.each([
    [{ peArray: { lanes: 0 } }, /peArray\.lanes = 0 is out of range: it must be an integer from 1 to 64/],
    [{ peArray: { lanes: 65 } }, /peArray\.lanes = 65 is out of range/],
    [{ peArray: { lanes: 2.5 } }, /peArray\.lanes = 2\.5 is not valid/],
    [{ peArray: { lanes: '8' } }, /peArray\.lanes = "8" is not valid/],
    [{ peArray: { weightDepth: 1000 } }, /peArray\.weightDepth = 1000 is out of range: it must be a power of two from 2 to 65536/],
    [{ peArray: { weightDepth: 131072 } }, /peArray\.weightDepth = 131072 is out of range/],
    [{ peArray: { actWidth: 1 } }, /peArray\.actWidth = 1 is out of range: it must be an integer from 2 to 16/],
    [{ peArray: { accWidth: 16 } }, /peArray\.accWidth = 16 cannot hold a full dot product: .* it must be from 26 to 64/],
    [{ peArray: { maxRows: 0 } }, /peArray\.maxRows = 0 is out of range/],
    [{ peArray: { lane: 4 } }, /peArray\.lane is not a known parameter; allowed keys: lanes, actWidth/],
    [{ pearray: {} }, /unknown section "pearray"; allowed sections: peArray/],
    [[], /must be a JSON object/],
  ])('rejects %j naming the parameter, value and range', (raw, message) => {
    expect(() => parseConfig(raw, 'my.json')).toThrow(ConfigError);
    expect(() => parseConfig(raw, 'my.json')).toThrow(message);
  });
});
