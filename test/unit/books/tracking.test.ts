import { describe, expect, it } from 'vitest';
import { withTracking } from '../../../lib/books/tracking';

describe('withTracking', () => {
  const payload = (tracking: { Name: string; Option: string }[]) => ({ LineItems: [{ Tracking: tracking }] });
  const choice = { category: 'Channel', option: 'Amazon UK' };

  it.each([
    [[], [{ Name: 'Channel', Option: 'Amazon UK' }]],
    [[{ Name: 'channel', Option: 'Other' }], [{ Name: 'Channel', Option: 'Amazon UK' }]],
    [
      [
        { Name: 'Region', Option: 'North' },
        { Name: 'Marketplace', Option: 'Amazon.co.uk' },
      ],
      [
        { Name: 'Channel', Option: 'Amazon UK' },
        { Name: 'Region', Option: 'North' },
      ],
    ],
  ])('puts the chosen option first on a line tracked %j, within Xero’s two categories', (before, after) => {
    expect(withTracking(payload(before), choice).LineItems[0]?.Tracking).toEqual(after);
  });
});
