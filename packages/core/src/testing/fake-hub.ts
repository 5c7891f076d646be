import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The base URL the fake Hub answers on; any other origin fails like a machine without network. */
export const FAKE_HUB_URL = 'https://hub.test';

export interface FakeHubOptions {
  /** Serve these bytes instead of the real content for files with this path (relative to the repository). */
  readonly corrupt?: Readonly<Record<string, Uint8Array>>;
  /** Requests must carry `Authorization: Bearer <token>`. */
  readonly requireToken?: string;
}

export interface FakeHub {
  /** Pass as the `fetch` option of `resolveModelDir` / `resolveMariaDir` / `loadMaria`. */
  readonly fetch: typeof fetch;
  /** Every request made, in order. */
  readonly requests: { url: string; authorization: string | null }[];
}

/** Every file under `directory`, as `/`-separated paths relative to it, sorted. */
async function filesUnder(directory: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(join(directory, prefix), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await filesUnder(directory, path)));
    else out.push(path);
  }
  return out;
}

/**
 * A stand-in for the Hugging Face Hub's HTTP API, serving each repo from a local folder: the
 * tree listing (`/api/models/<id>/tree/<rev>`, root files only, or every file with
 * `?recursive=true`; LFS sha256 for safetensors) and file downloads
 * (`/<id>/resolve/<rev>/<path>`, honouring Range as the Hub does).
 */
export function fakeHub(repos: Readonly<Record<string, string>>, options: FakeHubOptions = {}): FakeHub {
  const requests: { url: string; authorization: string | null }[] = [];
  const fetchImplementation = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    requests.push({ url: url.href, authorization: headers.get('authorization') });
    if (url.origin !== FAKE_HUB_URL) throw new TypeError(`fetch failed: ${url.origin} is not the fake hub`);
    if (options.requireToken !== undefined && headers.get('authorization') !== `Bearer ${options.requireToken}`) {
      return Response.json({ error: 'Invalid credentials' }, { status: 401 });
    }
    const tree = /^\/api\/models\/(.+)\/tree\/([^/]+)$/.exec(url.pathname);
    const file = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = decodeURIComponent((tree ?? file)?.[1] ?? '');
    const directory = repos[repoId];
    if (directory === undefined) return Response.json({ error: 'Repository not found' }, { status: 404, headers: { 'X-Error-Code': 'RepoNotFound' } });
    if (tree) {
      const recursive = url.searchParams.get('recursive') === 'true';
      const entries = [];
      const names = recursive ? await filesUnder(directory) : (await readdir(directory, { withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
      for (const name of names) {
        const content = await readFile(join(directory, name));
        const lfs = name.endsWith('.safetensors') ? { lfs: { oid: createHash('sha256').update(content).digest('hex'), size: content.length, pointerSize: 134 } } : {};
        entries.push({ type: 'file', path: name, size: content.length, oid: 'git-oid', ...lfs });
      }
      return Response.json(entries);
    }
    const path = decodeURIComponent(file![3]!);
    let content: Uint8Array<ArrayBuffer>;
    try {
      content = new Uint8Array(options.corrupt?.[path] ?? (await readFile(join(directory, path))));
    } catch {
      return new Response('Entry not found', { status: 404, headers: { 'X-Error-Code': 'EntryNotFound' } });
    }
    const range = /^bytes=(\d+)-(\d+)$/.exec(headers.get('range') ?? '');
    const common = { ETag: `"etag-${path}"`, 'Content-Type': 'application/octet-stream' };
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(Number(range[2]), content.length - 1);
      return new Response(content.slice(start, end + 1), { status: 206, headers: { ...common, 'Content-Range': `bytes ${start}-${end}/${content.length}` } });
    }
    return new Response(content, { status: 200, headers: common });
  };
  return { fetch: fetchImplementation as typeof fetch, requests };
}
