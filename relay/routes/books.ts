// Books routes: the same access rule as the connection's other routes (the owning install,
// an account granted the connection, a connection that still works), then relay/books.ts.
import { Hono } from 'hono';
import { relayRoutes } from '../../lib/relay-api';
import { connectionAccess } from '../auth/connection-access';
import { createBooksAccounts, readOrganisationBooks } from '../books';
import type { AppEnv, RelayDeps } from '../deps';
import { validate } from '../validate';

export function booksRoutes(s: RelayDeps) {
  const { usable } = connectionAccess(s);

  return new Hono<AppEnv>()
    .get(
      '/:connectionId/books',
      validate('param', relayRoutes.books.params),
      validate('query', relayRoutes.books.query),
      async (c) => {
        const { accountId, refresh } = c.req.valid('query');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        return c.json(await readOrganisationBooks(s, row, refresh === '1'));
      },
    )
    .post(
      '/:connectionId/books/accounts',
      validate('param', relayRoutes.createAccounts.params),
      validate('json', relayRoutes.createAccounts.request),
      async (c) => {
        const { accountId, accounts } = c.req.valid('json');
        const row = await usable(c, c.req.valid('param').connectionId, accountId);
        return c.json(await createBooksAccounts(s, row, accounts));
      },
    );
}
