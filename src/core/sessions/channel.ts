// The local channel between the windows of one OS user: a Unix socket (a named pipe on
// Windows) that only this user can open (folder 0700, socket 0600), and a random token
// that every connection must present first. Newline-delimited JSON; nothing is written
// to disk but the socket itself.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensurePrivateDir } from './lease';

/** Longest line accepted: a message is a few hundred bytes. */
const MAX_LINE = 64 * 1024;
/** A connection that has not shown the token by then is closed. */
const HELLO_TIMEOUT_MS = 3_000;
/** sun_path is 104–108 bytes; keep a margin. */
const MAX_SOCKET_PATH = 100;

export type Message = { readonly type: string } & Record<string, unknown>;

export function newToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** Where a window listens: under `dir` when the path fits a socket address, else in a fresh 0700 folder in the temp dir. */
export function socketPathFor(dir: string, id: string): { readonly socketPath: string; readonly cleanup: () => void } {
  if (process.platform === 'win32') {
    const hash = crypto.createHash('sha256').update(dir).digest('hex').slice(0, 16);
    return { socketPath: `\\\\.\\pipe\\ccgateway-${hash}-${id}`, cleanup: () => undefined };
  }
  const inDir = path.join(dir, `w-${id}.sock`);
  if (Buffer.byteLength(inDir) <= MAX_SOCKET_PATH) {
    ensurePrivateDir(dir);
    return { socketPath: inDir, cleanup: () => fs.rmSync(inDir, { force: true }) };
  }
  // mkdtemp creates the folder 0700.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-'));
  return { socketPath: path.join(tmp, 's'), cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

/** One end of a connection, after the token was accepted. */
export class Peer {
  private readonly messageListeners: ((m: Message) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  private buffer = '';
  private closed = false;

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('close', () => this.onClosed());
    socket.on('error', () => this.socket.destroy());
  }

  get isClosed(): boolean {
    return this.closed;
  }

  onMessage(l: (m: Message) => void): void {
    this.messageListeners.push(l);
  }

  onClose(l: () => void): void {
    if (this.closed) l();
    else this.closeListeners.push(l);
  }

  send(message: Message): void {
    if (!this.closed) this.socket.write(`${JSON.stringify(message)}\n`);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  /** Feeds received text; returns false when the peer broke the framing (and was closed). */
  feed(text: string): boolean {
    this.buffer += text;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        this.close();
        return false;
      }
      if (m && typeof m === 'object' && typeof (m as Message).type === 'string') for (const l of [...this.messageListeners]) l(m as Message);
    }
    if (this.buffer.length > MAX_LINE) {
      this.close();
      return false;
    }
    return true;
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners.splice(0)) l();
  }
}

/** Reads whole lines from a socket until the first one, then hands the rest over. */
function firstLine(socket: net.Socket, timeoutMs: number): Promise<{ line: string; rest: string } | undefined> {
  return new Promise((resolve) => {
    let buffer = '';
    const done = (v: { line: string; rest: string } | undefined) => {
      // Paused until the caller listens: chunks already buffered are not lost meanwhile.
      socket.pause();
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      resolve(v);
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) done({ line: buffer.slice(0, nl), rest: buffer.slice(nl + 1) });
      else if (buffer.length > MAX_LINE) done(undefined);
    };
    const onClose = () => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', onData);
    socket.on('close', onClose);
  });
}

/** Listens on `socketPath`; every connection must send `{"type":"hello","token":…}` first, or is closed unanswered. */
export class ChannelServer {
  private readonly peers = new Set<Peer>();
  /** Connections refused (wrong or missing token), for tests and the log. */
  refused = 0;

  private constructor(
    private readonly server: net.Server,
    readonly socketPath: string,
  ) {}

  static async listen(socketPath: string, token: string, onPeer: (peer: Peer) => void): Promise<ChannelServer> {
    const server = net.createServer();
    const channel = new ChannelServer(server, socketPath);
    server.on('connection', (socket: net.Socket) => {
      void firstLine(socket, HELLO_TIMEOUT_MS).then((first) => {
        let hello: unknown;
        try {
          hello = first ? JSON.parse(first.line) : undefined;
        } catch {
          hello = undefined;
        }
        const h = hello as { type?: unknown; token?: unknown } | undefined;
        if (!first || h?.type !== 'hello' || !sameToken(h.token, token)) {
          channel.refused++;
          socket.destroy();
          return;
        }
        const peer = new Peer(socket);
        channel.peers.add(peer);
        peer.onClose(() => channel.peers.delete(peer));
        socket.on('data', (chunk: string) => peer.feed(chunk));
        peer.send({ type: 'welcome' });
        onPeer(peer);
        if (first.rest) peer.feed(first.rest);
        socket.resume();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ path: socketPath, readableAll: false, writableAll: false }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The folder is 0700 already; the socket itself is made owner-only too.
    if (process.platform !== 'win32') fs.chmodSync(socketPath, 0o600);
    return channel;
  }

  close(): Promise<void> {
    for (const p of this.peers) p.close();
    this.peers.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Whether something listens on `socketPath`: false only when nothing can (refused, or no such
 * socket); a listener too busy to accept in time counts as there.
 */
export function answers(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    const done = (alive: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(true), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', (e: NodeJS.ErrnoException) => done(!['ECONNREFUSED', 'ENOENT', 'ENOTSOCK'].includes(e.code ?? '')));
  });
}

/** Connects and shows the token; resolves once the server welcomed us, undefined when refused or unreachable. */
export function connectChannel(socketPath: string, token: string, timeoutMs = HELLO_TIMEOUT_MS): Promise<Peer | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ path: socketPath });
    let settled = false;
    const fail = () => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(undefined);
    };
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.write(`${JSON.stringify({ type: 'hello', token })}\n`);
      void firstLine(socket, timeoutMs).then((first) => {
        if (settled) return;
        let welcome: unknown;
        try {
          welcome = first ? JSON.parse(first.line) : undefined;
        } catch {
          welcome = undefined;
        }
        if (!first || (welcome as { type?: unknown } | undefined)?.type !== 'welcome') return fail();
        settled = true;
        socket.off('error', fail);
        const peer = new Peer(socket);
        socket.on('data', (chunk: string) => peer.feed(chunk));
        resolve(peer);
        // After the caller's listeners are on (resolve's continuations run first).
        setImmediate(() => {
          if (first.rest) peer.feed(first.rest);
          socket.resume();
        });
      });
    });
  });
}
