// A Next.js-style route handler (app/api/collab-token/route.ts) that issues a client token for the
// vendor's front-end SDK with `collab.auth.issueToken`. The provider comes from the environment
// (`COLLAB_PROVIDER`, `LIVEBLOCKS_SECRET_KEY`, ...; the embedded provider when none is set), so the
// same route serves Liveblocks, Velt or memory tokens.
//
//   POST /api/collab-token   { "room": "doc-1" }   ->   200 { "token": "...", "expiresAt": "..." }
import { type Collab, createCollab, loadConfigFromEnv } from 'unicollab';

// One collab per server process, created on the first request and kept for the next ones.
let collab: Promise<Collab> | undefined;
const getCollab = () => (collab ??= createCollab(loadConfigFromEnv(), { require: ['auth.issueToken'] }));

/**
 * Stands in for your app's session lookup (a cookie, a NextAuth session...). Never take the user id
 * from the request body: whoever calls the route would choose who they are.
 */
async function currentUser(request: Request): Promise<{ id: string; name: string } | undefined> {
  const id = request.headers.get('x-user-id');
  return id ? { id, name: id } : undefined;
}

export async function POST(request: Request): Promise<Response> {
  const user = await currentUser(request);
  if (!user) return Response.json({ error: 'sign in first' }, { status: 401 });

  let room: unknown;
  try {
    ({ room } = (await request.json()) as { room?: unknown });
  } catch {
    return Response.json({ error: 'expected a JSON body { "room": "<room id>" }' }, { status: 400 });
  }
  if (typeof room !== 'string' || room === '') return Response.json({ error: 'room: expected a room id' }, { status: 400 });

  // Your own access rule goes here (can this user open this room?); this one lets every user write.
  const { token, expiresAt } = await (await getCollab()).auth.issueToken({
    userId: user.id,
    userInfo: { name: user.name },
    rooms: { [room]: 'write' },
  });
  return Response.json({ token, expiresAt: expiresAt?.toISOString() });
}
