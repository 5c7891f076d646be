import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** A local stand-in for the Hugging Face Hub's HTTP API, for `$HF_ENDPOINT`. */
export interface FakeHubServer {
  /** Base URL, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Paths requested so far. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Serves each repository id from a local folder the way the Hub does for `@huggingface/hub`:
 * the tree listing `/api/models/<id>/tree/<revision>` (LFS sha256 for safetensors) and file
 * downloads `/<id>/resolve/<revision>/<path>`, honouring Range requests.
 */
export async function startFakeHub(repos: Readonly<Record<string, string>>): Promise<FakeHubServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://hub.local');
      requests.push(url.pathname);
      const tree = /^\/api\/models\/(.+)\/tree\/([^/]+)$/.exec(url.pathname);
      const file = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
      const directory = repos[decodeURIComponent((tree ?? file)?.[1] ?? '')];
      if (directory === undefined) {
        response.writeHead(404, { 'Content-Type': 'application/json', 'X-Error-Code': 'RepoNotFound' }).end(JSON.stringify({ error: 'Repository not found' }));
        return;
      }
      if (tree) {
        const entries = [];
        for (const name of (await readdir(directory)).sort()) {
          const content = await readFile(path.join(directory, name));
          const lfs = name.endsWith('.safetensors') ? { lfs: { oid: createHash('sha256').update(content).digest('hex'), size: content.length, pointerSize: 134 } } : {};
          entries.push({ type: 'file', path: name, size: content.length, oid: 'git-oid', ...lfs });
        }
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(entries));
        return;
      }
      const name = decodeURIComponent(file?.[3] ?? '');
      const content = await readFile(path.join(directory, name)).catch(() => undefined);
      if (content === undefined) {
        response.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('Entry not found');
        return;
      }
      const headers = { ETag: `"etag-${name}"`, 'Content-Type': 'application/octet-stream' };
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      if (range) {
        const start = Number(range[1]);
        const end = Math.min(Number(range[2]), content.length - 1);
        response.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${content.length}` }).end(content.subarray(start, end + 1));
        return;
      }
      response.writeHead(200, headers).end(content);
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
